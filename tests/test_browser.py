"""The HTML pages in a real headless Chromium, offline.

Needs ``chromium`` and ``chromium-driver`` (Debian) and ``selenium`` (PyPI).
Each page is opened from file:// with every network request sent to a dead
proxy; the tests read the browser's console and network logs, the drawn
vis-network, and drive search, label toggle, filter and click. Screenshots
go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from graph.analyze import analyze_graph, load_rdf
from graph.text import normalize_text
from graph.visualize import render_html
from graph.vocab import ID
from tests.test_visualize import HOSTILE_ALIAS, HOSTILE_LABEL, hostile_graph, page_json

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "data" / "network_fixture.ttl"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parent / "artifacts"
FSI, PDI = "\u2068", "\u2069"
ABOUL_GHEIT = str(ID["person-aboulgheit"])


def _require_browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium/chromedriver not installed (apt-get install -y chromium chromium-driver)")
    return pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install selenium)")


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    webdriver = _require_browser()
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--window-size=1400,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    ARTIFACTS.mkdir(exist_ok=True)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    g = load_rdf(FIXTURE)
    return {p.name: p for p in render_html(g, analyze_graph(g), tmp_path_factory.mktemp("site"))}


def open_page(driver, path: Path) -> dict:
    """Load ``path`` on a clean log; wait for the network to settle; return what the page loaded."""
    driver.get("about:blank")
    driver.get_log("browser"), driver.get_log("performance")        # drain older entries
    driver.get(path.as_uri())
    deadline = time.monotonic() + 30
    while not driver.execute_script("return window.kgReady === true"):
        assert time.monotonic() < deadline, "page never became ready"
        time.sleep(0.05)
    requested, failed = [], []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.loadingFailed":
            failed.append(message["params"])
    return {"requested": requested, "failed": failed, "console": driver.get_log("browser")}


def drawn(driver) -> tuple[int, int]:
    return tuple(driver.execute_script(
        "return [window.kgNetwork.body.data.nodes.length, window.kgNetwork.body.data.edges.length]"))


def details_text(driver) -> str:
    return driver.execute_script("return document.getElementById('kg-details').textContent")


@pytest.mark.parametrize("name", ["graph.html", "view-entity_event.html", "view-coparticipation.html",
                                  "view-membership.html", "view-comention.html"])
def test_page_loads_offline_and_draws_its_view(driver, pages, name):
    log = open_page(driver, pages[name])
    assert log["failed"] == []
    assert log["requested"] and all(u.startswith(("file:", "data:")) for u in log["requested"]), log["requested"]
    assert [e for e in log["console"] if e["level"] in ("SEVERE", "WARNING")] == []
    data = page_json(pages[name].read_text(encoding="utf-8"))
    assert drawn(driver) == (data["meta"]["shown_nodes"], data["meta"]["shown_edges"])
    assert driver.save_screenshot(str(ARTIFACTS / name.replace(".html", ".png")))


def test_entity_event_page_counts(driver, pages):
    open_page(driver, pages["graph.html"])
    assert drawn(driver) == (10, 12)
    assert driver.execute_script("return document.characterSet") == "UTF-8"


def test_search_matches_spelling_variants(driver, pages):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(driver, pages["graph.html"])
    box = driver.find_element(By.ID, "kg-search")
    box.send_keys("احمد ابو الغيط", Keys.ENTER)            # bare alef typed, hamza in the data
    assert driver.execute_script("return window.kgNetwork.getSelectedNodes()") == [ABOUL_GHEIT]
    assert "أحمد أبو الغيط" in details_text(driver)
    box.clear()
    box.send_keys("الامم المتحده")                           # heh typed for teh marbuta
    assert driver.execute_script("return window.kgNetwork.getSelectedNodes()") == [str(ID["org-un"])]
    box.clear()
    box.send_keys("aboul gheit")
    assert driver.execute_script("return window.kgSelected") == ABOUL_GHEIT
    driver.save_screenshot(str(ARTIFACTS / "search.png"))


def test_js_normalisation_equals_python(driver, pages):
    open_page(driver, pages["graph.html"])
    samples = ["الأُمَمُ المتّحدة", "مصطفى  إلى", "آل ٱلشيخ", "القاهـــرة", "\u200fأبو\u200e الغيط", "ﻻ", "Sisi  EL"]
    got = driver.execute_script("return arguments[0].map(window.kgNormalize)", samples)
    assert got == [normalize_text(s) for s in samples]


def test_details_panel_shows_sources_roles_and_wikidata(driver, pages):
    open_page(driver, pages["graph.html"])
    driver.execute_script("window.kgSelect(arguments[0])", ABOUL_GHEIT)
    text = details_text(driver)
    for expected in ("Ahmed Aboul Gheit", "أبو الغيط يلتقي السيسي في القاهرة", "2024-03-05",
                     "استقبل أحمد أبو الغيط الأمين العام لجامعة الدول العربية وفدا في القاهرة.",
                     "الأمين العام", "زيارة إلى مصر", "ankg:Person"):
        assert expected in text
    href = driver.execute_script("return document.querySelector('#kg-details a').getAttribute('href')")
    assert href == "https://www.wikidata.org/wiki/Q294921"
    assert driver.execute_script("return document.querySelectorAll('#kg-details bdi').length") > 5


def test_hover_shows_a_text_tooltip_and_click_opens_details(driver, pages):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_page(driver, pages["graph.html"])
    dx, dy = driver.execute_script("""
        var net = window.kgNetwork, id = arguments[0];
        var p = net.canvasToDOM(net.getPositions([id])[id]);
        var r = document.getElementById('kg-network').getBoundingClientRect();
        return [p.x - r.width / 2, p.y - r.height / 2];""", str(ID["person-guterres"]))
    canvas = driver.find_element(By.ID, "kg-network")
    ActionChains(driver).move_to_element_with_offset(canvas, int(dx), int(dy)).pause(0.6).perform()
    tip = driver.execute_script("var t = document.querySelector('div.vis-tooltip');"
                                "return t && t.style.visibility !== 'hidden' ? t.textContent : null")
    assert tip and "أنطونيو غوتيريش" in tip and "António Guterres" in tip and "Q311440" in tip
    assert "غوتيريش يشيد بدور الجامعة العربية" in tip            # source article in the tooltip
    ActionChains(driver).click().perform()
    assert driver.execute_script("return window.kgSelected") == str(ID["person-guterres"])
    assert "António Guterres" in details_text(driver)


def test_label_toggle_and_type_filter(driver, pages):
    from selenium.webdriver.common.by import By

    open_page(driver, pages["graph.html"])
    label = "return window.kgNodes.get(arguments[0]).label"
    assert driver.execute_script(label, ABOUL_GHEIT) == FSI + "أحمد أبو الغيط" + PDI
    driver.find_element(By.ID, "kg-lang").click()
    assert driver.execute_script(label, ABOUL_GHEIT) == FSI + "Ahmed Aboul Gheit" + PDI
    event = str(ID["event/meeting1"])
    assert driver.execute_script(label, event) == FSI + "لقاء أبو الغيط والسيسي" + PDI   # no English: Arabic
    driver.find_element(By.CSS_SELECTOR, "#kg-filter input[value=event]").click()
    hidden = driver.execute_script("return window.kgNodes.get().filter(n => n.hidden).map(n => n.kg_group)")
    assert sorted(hidden) == ["event"] * 3
    driver.save_screenshot(str(ARTIFACTS / "filtered-english.png"))


def test_hostile_names_render_as_text(driver, tmp_path):
    g = hostile_graph()
    page = render_html(g, analyze_graph(g), tmp_path)[0]
    log = open_page(driver, page)
    assert [e for e in log["console"] if e["level"] == "SEVERE"] == []
    hostile = str(ID["person-hostile"])
    assert driver.execute_script("return window.kgNodes.get(arguments[0]).label", hostile) == FSI + HOSTILE_LABEL + PDI
    driver.execute_script("window.kgSelect(arguments[0])", hostile)
    text = details_text(driver)
    assert HOSTILE_LABEL in text and HOSTILE_ALIAS in text
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('img, #kg-details script').length") == 0
    driver.find_element("id", "kg-search").send_keys("<img src")
    assert driver.execute_script("return window.kgSelected") == hostile
    driver.save_screenshot(str(ARTIFACTS / "hostile.png"))


def test_seed_build_pages_work_offline(driver, tmp_path):
    pipeline = pytest.importorskip("graph.pipeline", reason="graph.pipeline not importable yet")
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    report = pipeline.build_corpus([str(seeds)], tmp_path)
    assert (tmp_path / "centrality.csv").is_file() and (tmp_path / "report.md").is_file()
    for name in ("graph.html", "view-comention.html"):
        log = open_page(driver, tmp_path / name)
        assert log["failed"] == [] and all(u.startswith(("file:", "data:")) for u in log["requested"])
        assert [e for e in log["console"] if e["level"] in ("SEVERE", "WARNING")] == []
        data = page_json((tmp_path / name).read_text(encoding="utf-8"))
        assert drawn(driver) == (data["meta"]["shown_nodes"], data["meta"]["shown_edges"])
        driver.save_screenshot(str(ARTIFACTS / f"seed-{name.replace('.html', '.png')}"))
    assert len(report.top_actors) <= 5
