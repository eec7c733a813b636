"""Original abstract hero illustrations for the demo newsroom, drawn with Pillow.

Every picture is seeded by the article's slug, so a re-run draws the same bytes. Flat shapes
on vertical gradients compress well: each PNG is a few dozen kilobytes at most.
"""

import functools
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 675
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    sky: RGB  # top of the background gradient
    ground: RGB  # bottom of it
    light: RGB
    dark: RGB
    accent: RGB
    stormy: bool = False  # higher seas, rain, no sun


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _gradient(top: RGB, bottom: RGB) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=_mix(top, bottom, y / (HEIGHT - 1)))
    return image


def _wave(rng: random.Random, base: float, amplitude: float) -> list[tuple[float, float]]:
    phase, length = rng.uniform(0, math.tau), rng.uniform(280, 620)
    ripple, ripple_length = amplitude * rng.uniform(0.15, 0.35), length / rng.uniform(2.5, 4.5)
    points = [
        (x, base + amplitude * math.sin(x / length * math.tau + phase) + ripple * math.sin(x / ripple_length))
        for x in range(0, WIDTH + 25, 25)
    ]
    return [*points, (WIDTH, HEIGHT), (0, HEIGHT)]


def _waves(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    if palette.stormy:
        for _ in range(140):
            x, y, length = rng.uniform(-100, WIDTH), rng.uniform(-50, HEIGHT * 0.7), rng.uniform(40, 110)
            draw.line([(x, y), (x + length * 0.35, y + length)], fill=(*palette.light, 120), width=2)
    else:
        sun_x, sun_y, sun_r = rng.uniform(150, 1050), rng.uniform(90, 230), rng.uniform(55, 110)
        draw.ellipse(
            (sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=(*palette.accent, 230)
        )
    layers = rng.randint(4, 6)
    swell = 2.2 if palette.stormy else 1.0
    for i in range(layers):
        t = i / (layers - 1)
        base = HEIGHT * (0.42 + 0.5 * t)
        colour = _mix(palette.light, palette.dark, t)
        crest = _wave(rng, base, rng.uniform(18, 46) * swell)
        draw.polygon(crest, fill=(*colour, 255))
        if palette.stormy:
            draw.line(crest[:-2], fill=(*palette.accent, 200), width=4)


def _columns(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    count = rng.randint(5, 8)
    span = WIDTH * rng.uniform(0.55, 0.75)
    left = (WIDTH - span) / 2
    step = span / count
    floor, top = HEIGHT * 0.86, HEIGHT * rng.uniform(0.36, 0.44)
    draw.polygon(
        [(left - 40, top), (WIDTH / 2, top - HEIGHT * 0.2), (left + span + 40, top)],
        fill=(*palette.accent, 230),
    )
    draw.rectangle((left - 40, top, left + span + 40, top + 18), fill=(*palette.light, 240))
    for i in range(count):
        x = left + i * step + step * 0.2
        draw.rectangle(
            (x, top + 18, x + step * 0.6, floor), fill=(*_mix(palette.light, palette.dark, 0.25), 225)
        )
    draw.rectangle((0, floor, WIDTH, HEIGHT), fill=(*palette.dark, 255))


def _rooftops(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    for row in range(3):
        t = row / 2
        colour = _mix(palette.light, palette.dark, t)
        baseline = HEIGHT * (0.55 + 0.18 * row)
        x = rng.uniform(-120, 0)
        while x < WIDTH:
            width = rng.uniform(90, 190)
            wall = rng.uniform(60, 160)
            roof = rng.uniform(40, 90)
            top = baseline - wall
            draw.rectangle((x, top, x + width, HEIGHT), fill=(*colour, 255))
            draw.polygon(
                [(x - 6, top), (x + width / 2, top - roof), (x + width + 6, top)], fill=(*colour, 255)
            )
            if rng.random() < 0.55:
                wx, wy = x + width * 0.35, top + wall * 0.3
                draw.rectangle((wx, wy, wx + width * 0.3, wy + wall * 0.25), fill=(*palette.accent, 200))
            x += width + rng.uniform(4, 26)


def _bars(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    count = rng.randint(9, 14)
    step = WIDTH / count
    level = rng.uniform(0.25, 0.4)
    points = []
    for i in range(count):
        level = min(0.9, max(0.15, level + rng.uniform(-0.08, 0.14)))
        height = HEIGHT * level
        x = i * step
        colour = _mix(palette.light, palette.dark, i / count)
        draw.rectangle((x + step * 0.15, HEIGHT - height, x + step * 0.85, HEIGHT), fill=(*colour, 220))
        points.append((x + step / 2, HEIGHT - height - 40))
    draw.line(points, fill=(*palette.accent, 255), width=9, joint="curve")
    for px, py in points:
        draw.ellipse((px - 11, py - 11, px + 11, py + 11), fill=(*palette.accent, 255))


def _circles(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    for _ in range(rng.randint(7, 11)):
        r = rng.uniform(70, 260)
        x, y = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
        colour = rng.choice((palette.accent, palette.light, palette.dark))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, rng.randint(90, 170)))
    for _ in range(rng.randint(2, 4)):
        r = rng.uniform(120, 300)
        x, y = rng.uniform(100, WIDTH - 100), rng.uniform(100, HEIGHT - 100)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(*palette.light, 200), width=6)


def _stripes(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    slant = rng.uniform(0.35, 0.7) * HEIGHT
    x = rng.uniform(-400, -200)
    while x < WIDTH + slant:
        width = rng.uniform(40, 140)
        colour = rng.choice((palette.light, palette.dark, palette.accent))
        draw.polygon(
            [(x, HEIGHT), (x + width, HEIGHT), (x + width + slant, 0), (x + slant, 0)],
            fill=(*colour, rng.randint(110, 200)),
        )
        x += width + rng.uniform(30, 160)
    for lane in range(4):
        y = HEIGHT * (0.62 + 0.09 * lane)
        draw.line([(0, y), (WIDTH, y - HEIGHT * 0.12)], fill=(255, 255, 255, 210), width=5)


MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random, Palette], None]] = {
    "waves": _waves,
    "columns": _columns,
    "rooftops": _rooftops,
    "bars": _bars,
    "circles": _circles,
    "stripes": _stripes,
}


@functools.cache  # the same arguments always draw the same bytes
def hero_png(*, seed: str, motif: str, palette: Palette) -> bytes:
    """One 1200x675 illustration as PNG bytes; the same seed always draws the same picture."""
    rng = random.Random(seed)  # noqa: S311 - drawing, not secrets: it must be reproducible
    image = _gradient(palette.sky, palette.ground)
    MOTIFS[motif](ImageDraw.Draw(image, "RGBA"), rng, palette)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
