"""portal/charts.py: server-rendered SVG bar charts (issue #15)."""

import xml.etree.ElementTree as ET

from portal.charts import Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def test_a_bar_per_value_scaled_to_the_maximum():
    svg = parse(bar_chart([Bar("1", 2), Bar("2", 4), Bar("3", 0)], title="Seats booked", maximum=4, height=200))
    heights = [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]
    assert len(heights) == 3
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    assert svg.find(f"{SVG}title").text == "Seats booked"
    assert svg.get("aria-hidden") == "true"  # the data table beside it is what screen readers read


def test_labels_and_titles_are_escaped_and_thinned():
    svg = bar_chart([Bar(f"<{day}>", day) for day in range(30)], title="A & B", label_every=7)
    tree = parse(svg)
    assert "<0>" not in str(svg) and "&lt;0&gt;" in str(svg)
    assert len([t for t in tree.iter(f"{SVG}text") if t.get("font-size") == "10"]) == 5  # days 0, 7, 14, 21, 28


def test_an_empty_chart_is_still_an_image():
    tree = parse(bar_chart([], title="Nothing yet"))
    assert list(tree.iter(f"{SVG}rect")) == []


def test_values_over_the_maximum_are_capped():
    tree = parse(bar_chart([Bar("a", 10)], title="t", maximum=5, height=100))
    rect = next(tree.iter(f"{SVG}rect"))
    assert float(rect.get("height")) <= 100
