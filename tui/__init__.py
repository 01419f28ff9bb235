"""The pdca command line and (later) the Textual app shell."""
