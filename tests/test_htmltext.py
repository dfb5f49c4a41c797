from hypothesis import given
from hypothesis import strategies as st

from graph.htmltext import html_to_text, looks_like_html

PAGE = "<!DOCTYPE html><html><head><title>عنوان</title><style>p {color: red}</style></head><body>{}</body></html>"


def test_visible_text_only_one_block_a_paragraph():
    body = "<p>قال <b>الوزير</b> &amp; أكد</p><script>var x = 'لا';</script><div>ثانية<br>ثالثة</div>"
    assert html_to_text(PAGE.replace("{}", body)) == "عنوان\n\nقال الوزير & أكد\n\nثانية\n\nثالثة"


def test_an_unclosed_comment_hides_the_rest_of_the_page():
    page = PAGE.replace("{}", "<p>أول</p><!-- <p>مخفي</p> <div>مخفي أيضا</div>")
    assert html_to_text(page) == "عنوان\n\nأول"
    assert html_to_text(PAGE.replace("{}", "<p>أول</p><!-- مخفي --><p>ثان</p>")) == "عنوان\n\nأول\n\nثان"


@given(st.lists(st.sampled_from(["<p>", "</p>", "<!--", "-->", "<div>", "قال", " ", "<", ">", "&amp;"]),
                max_size=60).map("".join))
def test_any_markup_gives_text_without_tags(body):
    text = html_to_text(PAGE.replace("{}", body))
    assert "<p>" not in text and "<!--" not in text and "<div>" not in text
    assert looks_like_html(PAGE.replace("{}", body))
