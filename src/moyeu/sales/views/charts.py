"""The forecast chart, drawn on the server as SVG (no script: the page's CSP allows none
inline, and a chart of a few bars needs no library)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

from moyeu.sales.forecast import Forecast
from moyeu.sales.money import format_compact, format_money

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 28
GRID_LINES = 4


def _svg(value: float) -> str:
    """A coordinate as SVG wants it, whatever the page's language ("12.5", never "12,5")."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str

    @property
    def svg(self) -> dict[str, str]:
        return {k: _svg(getattr(self, k)) for k in ("x", "y", "width", "height")}


@dataclass(frozen=True)
class Tick:
    y: float
    label: str

    @property
    def svg_y(self) -> str:
        return _svg(self.y)


@dataclass(frozen=True)
class MonthLabel:
    x: float
    label: str

    @property
    def svg_x(self) -> str:
        return _svg(self.x)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    segments: list[Segment]
    ticks: list[Tick]
    months: list[MonthLabel]
    baseline: float
    left: int
    right: int

    @property
    def svg_baseline(self) -> str:
        return _svg(self.baseline)

    @property
    def label_x(self) -> str:
        return str(self.left - 6)

    @property
    def label_y(self) -> str:
        return str(self.height - 8)


def _nice(peak: Decimal) -> Decimal:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least ``peak``."""
    if peak <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(peak))) - 1)
    for step in (1, 2, 5, 10):
        if peak <= magnitude * step:
            return magnitude * step
    return magnitude * 10


def forecast_chart(forecast: Forecast, width: int = WIDTH) -> Chart:
    """Per month, a stacked bar: won, then the open weighted, then the rest of the open
    (``width``: of the drawing, smaller for a dashboard card, so that its text stays legible)."""
    top = _nice(forecast.peak)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = width - LEFT - RIGHT
    count = max(len(forecast.by_month), 1)
    slot = plot_width / count
    bar = slot * 0.6
    baseline = TOP + plot_height

    def scaled(value: Decimal) -> float:
        return float(value / top) * plot_height

    segments: list[Segment] = []
    months: list[MonthLabel] = []
    currency = forecast.currency
    for index, row in enumerate(forecast.by_month):
        x = LEFT + slot * index + (slot - bar) / 2
        y = float(baseline)
        name = date_format(row.key, "YEAR_MONTH_FORMAT")
        parts = (
            (row.won, "bar-won", format_money(row.won, currency, whole=True)),
            (row.weighted, "bar-weighted", format_money(row.weighted, currency, whole=True)),
            (
                max(row.pipeline - row.weighted, Decimal(0)),
                "bar-open",
                format_money(row.pipeline, currency, whole=True),
            ),
        )
        for value, css, text in parts:
            height = scaled(value)
            if height <= 0:
                continue
            y -= height
            segments.append(
                Segment(
                    round(x, 1),
                    round(y, 1),
                    round(bar, 1),
                    round(height, 1),
                    css,
                    f"{name}: {text}",
                )
            )
        months.append(
            MonthLabel(round(LEFT + slot * index + slot / 2, 1), date_format(row.key, "M"))
        )
    ticks = [
        Tick(
            round(baseline - plot_height * step / GRID_LINES, 1),
            format_compact(top * step / GRID_LINES, currency),
        )
        for step in range(GRID_LINES + 1)
    ]
    return Chart(width, HEIGHT, segments, ticks, months, baseline, LEFT, width - RIGHT)
