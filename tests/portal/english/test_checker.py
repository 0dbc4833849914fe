"""The Japanese-leak checker itself: what it sees, and what the allowlist lets through."""

from .checks import japanese_leaks, visible_text


def test_the_checker_finds_japanese_outside_the_allowlist():
    text = visible_text(
        '<html><head><title>予約</title><style>p::before{content:"注"}</style></head><body>'
        '<p>The issuance notice (交付通知書)</p><p>交付通知書</p><script>var a = "スクリプト";</script>'
        '<img alt="地図"><input type="submit" value="送信"><input type="hidden" value="隠し">'
        "<p>Name: 新潟 太郎（ニイガタ タロウ）</p><p>日本語</p><p>2026年12月1日</p></body></html>"
    )
    joined = " | ".join(japanese_leaks(text))
    for leak in ("予約", "地図", "送信", "年", "（"):
        assert leak in joined, leak
    for hidden in ("注", "スクリプト", "隠し"):
        assert hidden not in joined, hidden
    assert japanese_leaks("The issuance notice (交付通知書) 日本語 新潟 太郎") == []
    assert japanese_leaks("(交付通知書") != []
