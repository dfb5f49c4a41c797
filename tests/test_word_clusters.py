"""Distributional word clusters: words in the same contexts share a cluster."""

from graph.word_clusters import build_clusters, cluster_key, write_clusters


def _corpus():
    places = ["بغداد", "بيروت", "دمشق", "عمان"]
    people = ["محمد", "أحمد", "علي", "خالد"]
    sentences = []
    for _ in range(4):
        sentences += [("وصل", "الوفد", "إلى", p, "صباح", "اليوم") for p in places]
        sentences += [("وقال", "الرئيس", q, "إن", "الاتفاق", "قريب") for q in people]
    return sentences


def test_words_in_the_same_contexts_share_a_cluster():
    clusters = build_clusters(_corpus(), sizes=(4, 6))
    assert clusters["بغداد"][0] == clusters["بيروت"][0] == clusters["دمشق"][0]
    assert clusters["محمد"][0] == clusters["احمد"][0] == clusters["علي"][0]
    assert clusters["بغداد"][0] != clusters["محمد"][0]
    assert len(clusters["بغداد"]) == 2


def test_clusters_are_deterministic_and_written_sorted(tmp_path):
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    write_clusters(first, _corpus(), "test")
    write_clusters(second, _corpus(), "test")
    assert first.read_bytes() == second.read_bytes()
    rows = [line.split("\t")[0] for line in first.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")][1:]
    assert rows == sorted(rows) and "بغداد" in rows


def test_cluster_key_normalises_but_keeps_clitics():
    assert cluster_key("وبالأمم") == "وبالامم" and cluster_key("...") == "..."
