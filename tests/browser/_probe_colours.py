import pytest
pytestmark = pytest.mark.django_db(transaction=True)

JS = """() => {
  const out = {};
  const sel = ['.form-control', '.form-select', '.form-check-input', '.btn-outline-primary', '.btn-primary', '.btn-link', '.btn-danger', '.alert-info', '.alert-warning', '.alert-danger', '.alert-success', '.alert-secondary', '.form-text', '.text-muted', '.text-secondary', '.badge', '.table', 'td', '.status', '.invalid-feedback'];
  for (const s of sel) {
    const e = document.querySelector(s);
    if (!e) continue;
    const c = getComputedStyle(e);
    out[s] = [c.color, c.backgroundColor, c.borderTopColor, c.borderTopWidth];
  }
  out.overflow = [document.documentElement.scrollWidth, window.innerWidth];
  return out;
}"""

def test_probe(browser, live_server, booking_day):
    ctx = browser.new_context(viewport={"width": 320, "height": 800})
    page = ctx.new_page()
    for path in ["/book/", "/what-to-bring/documents/", "/fees/?reason=", "/guide/card-expiry/", "/windows/kita/", "/book/window/", "/what-to-bring/pin/", "/booking/", "/en/guide/contacts/", "/en/what-to-bring/"]:
        page.goto(live_server.url + path)
        print(path, page.evaluate(JS))
