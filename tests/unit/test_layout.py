"""Grid geometry: tiles inside the picture, not overlapping, on even pixels, as large as fits."""

import itertools

import pytest

from recording.render.layout import Rect, fit, grid_layout


def overlaps(a: Rect, b: Rect) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 9, 12, 16])
def test_tiles_fit_without_overlap_on_even_pixels(count: int) -> None:
    layout = grid_layout(count, 1280, 720)
    assert len(layout.tiles) == count
    rects = [r for tile in layout.tiles for r in (tile.video, tile.label)]
    for rect in rects:
        assert rect.x >= 0 and rect.y >= layout.header.height
        assert rect.x + rect.width <= 1280 and rect.y + rect.height <= 720
        assert all(v % 2 == 0 for v in (rect.x, rect.y, rect.width, rect.height))
    for a, b in itertools.combinations(rects, 2):
        assert not overlaps(a, b)
    for tile in layout.tiles:
        assert tile.label.y == tile.video.y + tile.video.height
        assert abs(tile.video.width / tile.video.height - 16 / 9) < 0.02
    # the speaker's ring fits in the gap between tiles
    for one, other in itertools.combinations(layout.tiles, 2):
        ring = Rect(
            one.video.x - layout.border,
            one.video.y - layout.border,
            one.video.width + 2 * layout.border,
            one.video.height + one.label.height + 2 * layout.border,
        )
        assert not overlaps(ring, other.video) and not overlaps(ring, other.label)


@pytest.mark.parametrize(("count", "columns"), [(1, 1), (2, 2), (4, 2), (6, 3), (9, 3)])
def test_familiar_grids(count: int, columns: int) -> None:
    layout = grid_layout(count, 1280, 720)
    assert len({tile.video.x for tile in layout.tiles}) == columns


def test_a_short_last_row_is_centred() -> None:
    layout = grid_layout(3, 1280, 720)
    last = layout.tiles[2].video
    assert abs(last.x + last.width / 2 - 640) <= 2


def test_fit_keeps_the_aspect_ratio_and_centres() -> None:
    area = Rect(100, 50, 640, 360)
    portrait = fit(area, 360, 640)
    assert portrait.height == 360 and abs(portrait.width - 202) <= 2
    assert abs(portrait.x + portrait.width / 2 - (100 + 320)) <= 2
    assert fit(area, 1280, 720) == area
