"""Status colours made readable on every theme's own backgrounds.

Late, stale, warn, alert and on-track are said in Textual's ``$text-warning``, ``$text-error``
and ``$text-success``. Textual makes them from the theme's warning, error and success colours,
and on a light theme leaves them as they are: amber on white read at a contrast of 2.6 to 3.3,
under the 4.5 that WCAG asks of text (a trial of every theme). Each is darkened (on a light
background) or lightened (on a dark one), a step at a time, until it reads at 4.5 on the
backgrounds it is drawn on (the screen's, a column's, a heading's) and at 3 on a column's
selected card (WCAG's least for bold text: asking 4.5 there too turned red and amber to near
black, or on a dark theme to near white, and the colour no longer said which status it was).

The sparklines, load bars and marks are drawn in ``$accent``: amber on white again, at 1.3 on
textual-light (a retrial). It is made to read at 3 on the screen, a column and a heading,
WCAG's least for graphics.
"""

from __future__ import annotations

from textual.color import Color

STATUS_VARIABLES = ("text-warning", "text-error", "text-success")
GRAPHICS_VARIABLES = ("accent",)  # sparklines, bars, markers
LEAST_CONTRAST = 4.5  # WCAG AA for ordinary text
LEAST_FOR_GRAPHICS = 3.0  # WCAG AA for graphics (non-text contrast)
LEAST_ON_SELECTED = 3.0  # WCAG AA for bold text; the cursor's own colour tells it apart too
_STEP = 0.04
_MOST_STEPS = 25  # darkened (or lightened) so far it is black (or white): as near as it gets
SELECTED_CARD_SHARE = 0.35  # ``$primary 35%`` over ``$surface`` (widgets/phase_column.py)


def luminance(colour: Color) -> float:
    """WCAG relative luminance: how light ``colour`` is, from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast(first: Color, second: Color) -> float:
    """WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def backgrounds(variables: dict[str, str]) -> list[tuple[Color, float]]:
    """The backgrounds status text is drawn on, each with the contrast it must read at: the
    screen, a column (and a dialog's surface), a heading's panel, and the selected card in a
    focused column."""
    background = Color.parse(variables["background"])
    surface = Color.parse(variables.get("surface", variables["background"]))
    grounds = [(background, LEAST_CONTRAST), (surface, LEAST_CONTRAST)]
    if "panel" in variables:  # headings and bars: the stand-up's, a lane's (a reviewer)
        grounds.append((Color.parse(variables["panel"]), LEAST_CONTRAST))
    if "primary" in variables:
        selected = surface.blend(Color.parse(variables["primary"]), SELECTED_CARD_SHARE)
        grounds.append((selected, LEAST_ON_SELECTED))
    return grounds


def readable(colour: Color, grounds: list[tuple[Color, float]]) -> Color:
    """``colour``, darkened on light backgrounds or lightened on dark ones, until it reads
    at each ground's least contrast (or as near as it gets)."""
    light = luminance(grounds[0][0]) > 0.18  # the screen's own background
    for _ in range(_MOST_STEPS):
        if all(contrast(colour, ground) >= least for ground, least in grounds):
            break
        colour = colour.darken(_STEP) if light else colour.lighten(_STEP)
    return colour


def with_readable_colours(variables: dict[str, str]) -> dict[str, str]:
    """``variables`` (a theme's CSS variables) with the status colours and the marks made
    readable."""
    try:
        grounds = backgrounds(variables)
    except (KeyError, ValueError):  # a theme without its backgrounds: Textual's own colours
        return variables
    if any(ground.ansi is not None for ground, _least in grounds):
        return variables  # the terminal's own colours (textual-ansi): its choice, unknown here
    # Graphics: on the plain backgrounds only (the selected card's is too close to many
    # themes' accent to reach 3 without losing its hue).
    plain = [ground for ground, least in grounds if least == LEAST_CONTRAST]
    graphics_grounds = [(ground, LEAST_FOR_GRAPHICS) for ground in plain]
    changed = dict(variables)
    for names, on in ((STATUS_VARIABLES, grounds), (GRAPHICS_VARIABLES, graphics_grounds)):
        for name in names:
            if name not in variables:
                continue
            try:
                colour = Color.parse(variables[name])
            except ValueError:
                continue  # a colour Textual reads and this does not: kept as it is
            if colour.ansi is None:
                changed[name] = readable(colour, on).hex
    return changed


# On a terminal of 16 colours, the readable colours above fall to the nearest of the 16: on
# a dark theme late and on-track both became white, "! 9d late" calmer than a yellow "due in
# 3d" (a trial of TERM=xterm, screen and linux). There each status is the terminal's own red,
# yellow and green, bright on a dark background, plain on a light one: given as the colours
# Rich's 16 are (the nearest is then that one), not as ANSI names, which Textual turns into
# its own theme's colours first (bright red came out magenta).
SIXTEEN_COLOUR_STATUS = {
    "text-error": ("#ff5555", "#aa0000"),  # bright red (9), red (1)
    "text-warning": ("#ffff55", "#aa5500"),  # bright yellow (11), yellow (3)
    "text-success": ("#55ff55", "#00aa00"),  # bright green (10), green (2)
}


def for_sixteen_colours(variables: dict[str, str]) -> dict[str, str]:
    """``variables`` with the status colours as the terminal's own red, yellow and green.
    A theme of the terminal's own colours (textual-ansi, ansi-light) is left as it is: its
    background is the terminal's, light or dark, unknown here (read as dark, ansi-light got
    bright yellow on a light terminal, a reviewer)."""
    try:
        background = Color.parse(variables["background"])
    except (KeyError, ValueError):
        return variables
    if background.ansi is not None:
        return variables
    light = luminance(background) > 0.18
    changed = dict(variables)
    for name, (on_dark, on_light) in SIXTEEN_COLOUR_STATUS.items():
        changed[name] = on_light if light else on_dark
    return changed
