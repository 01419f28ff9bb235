"""One Textual Screen per view (board, owners, KPIs, log, stand-up, dialogs)."""
