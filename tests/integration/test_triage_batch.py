"""Batches: a folder of mixed messages, an mbox, a Maildir; the CLI's JSON, CSV, summary and
exit status; bad and hostile items counted without stopping the batch."""
from __future__ import annotations

import base64
import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from checker import cli, triage
from checker.mail import sources
from checker.mail.sources import RawItem
from pec_samples import build, expected, generator

CONTRACT = ["file", "class", "receipt_type", "receipt_detail", "error", "sender", "subject",
            "date", "verdict", "problems"]


@pytest.fixture(scope="module")
def pec(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pec"))


def boxes(pec: Path) -> list[dict]:
    return json.loads((pec / "boxes.json").read_text())


def test_triage_batch_sources_mbox_and_maildir_are_detected(pec):
    assert sources.is_mbox(pec / "mixed.mbox")
    assert sources.is_maildir(pec / "maildir")
    assert not sources.is_mbox(pec / "messages" / "01_posta-certificata.eml")
    assert sources.count_items([pec / "mixed.mbox", pec / "maildir", pec / "messages"]) == \
        2 * len(boxes(pec)) + len(expected(pec))


@pytest.mark.parametrize("box", ["mixed.mbox", "maildir"])
def test_triage_batch_mbox_and_maildir_classes(pec, box):
    rows = list(triage.triage(sources.iter_paths([pec / box])))
    want = boxes(pec)
    assert len(rows) == len(want)
    if box == "maildir":  # Maildir keys are unordered: compare as multisets
        got = sorted((r.message_class, r.receipt_type or "", r.error or "") for r in rows)
        assert got == sorted((w["class"], w["receipt_type"] or "", w["error"] or "") for w in want)
    else:
        assert [(r.message_class, r.receipt_type, r.error) for r in rows] == \
            [(w["class"], w["receipt_type"], w["error"]) for w in want]
    assert sum(1 for r in rows if r.problems) == 1   # the broken daticert one
    assert all(r.file.startswith(str(pec / box) + "#") for r in rows)


def test_triage_batch_cli_folder_json(pec, capsys):
    status = cli.main(["triage", str(pec / "messages"), "--json"])
    out, err = capsys.readouterr()
    assert status == 0
    data = json.loads(out)
    exp = expected(pec)
    assert len(data) == len(exp)
    for obj in data:
        assert list(obj)[:len(CONTRACT)] == CONTRACT
        want = exp[Path(obj["file"]).name]
        assert (obj["class"], obj["receipt_type"], obj["receipt_detail"], obj["error"]) == \
            (want["class"], want["receipt_type"], want["receipt_detail"], want["error"])
    assert "Riepilogo" in err and "\r" not in err   # summary on stderr, no progress bar off a tty


def test_triage_batch_cli_text_csv_and_summary(pec, tmp_path, capsys):
    out_csv = tmp_path / "triage.csv"
    status = cli.main(["triage", str(pec / "messages" / "02_anomalia.eml"), str(pec / "mixed.mbox"),
                       str(pec / "maildir"), "--csv", str(out_csv)])
    out, _ = capsys.readouterr()
    assert status == 0
    total = 1 + 2 * len(boxes(pec))
    assert f"Riepilogo: {total} messaggi" in out
    with out_csv.open(newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == total
    assert set(CONTRACT) <= set(table[0])
    kinds = {row["class"] for row in table}
    assert kinds == {"posta-certificata", "anomalia", "ricevuta", "not-pec"}
    anomaly = next(row for row in table if row["file"].endswith("02_anomalia.eml"))
    assert anomaly["status"] == "check" and "not-certified" in anomaly["alerts"].split("; ")
    assert "02_anomalia.eml: anomalia" in out and "PEC020" in out


def test_triage_batch_cli_missing_path_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["triage", str(tmp_path / "nope")]) == 2
    assert "inesistente" in capsys.readouterr().err


def test_triage_batch_bad_items_do_not_stop_the_batch(pec, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = pec / "messages"
    shutil.copy(good / "03_accettazione.eml", folder / "a.eml")
    (folder / "b.eml").write_bytes(b"\x00\xff" * 5000)
    big = folder / "c.eml"
    big.write_bytes((good / "01_posta-certificata.eml").read_bytes() + b"x" * 200_000)
    shutil.copy(good / "09_errore-consegna-no-dest.eml", folder / "d.eml")
    (folder / ".hidden.eml").write_bytes(b"ignored")
    monkeypatch.setattr(sources, "MAX_MESSAGE_MB", 0.1)
    rows = list(triage.triage(sources.iter_paths([folder])))
    assert [Path(r.file).name for r in rows] == ["a.eml", "b.eml", "c.eml", "d.eml"]
    assert rows[0].receipt_type == "accettazione"
    assert rows[1].problems[0].startswith("PEC001")
    assert rows[2].problems[0].startswith("PEC012")
    assert rows[3].receipt_type == "errore-consegna"
    s = triage.summary(rows)
    assert s["messages"] == 4 and s["with_problems"] == 2 and s["unreadable"] == 2


def test_triage_hostile_families_get_a_finding_in_a_fixed_size_worker():
    """A 70 MB message with 2 M parts, 300 k encoded words, 200 attachments: each a finding
    from a worker with the fixed time and memory caps (no bound grows with the size)."""
    head = b"From: a@b.example\r\nTo: c@d.example\r\nSubject: s\r\nX-Trasporto: posta-certificata\r\n"
    parts = head + b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n' + \
        (b"--x\r\n\r\n" + b"A" * 26 + b"\r\n") * 2_000_000 + b"--x--\r\n"
    words = head.replace(b"Subject: s", b"Subject: " + b"=?utf-8?q?a?= " * 300_000) + b"\r\nb\r\n"
    gen = generator()
    original = gen.original_message(
        attachments=[(f"a{n}.bin", "application/octet-stream", b"x") for n in range(200)])
    attachments = (head + b'Content-Type: multipart/mixed; boundary="env"\r\n\r\n--env\r\n'
                   b'Content-Type: message/rfc822\r\n'
                   b'Content-Disposition: inline; filename="postacert.eml"\r\n\r\n'
                   + original + b"\r\n--env--\r\n")
    rows = list(triage.triage([RawItem("parts.eml", parts), RawItem("words.eml", words),
                               RawItem("attachments.eml", attachments)]))
    assert len(parts) > 60 << 20
    assert [p[:6] for p in rows[0].problems] == ["PEC016"]
    assert {p[:6] for p in rows[1].problems} == {"PEC018"}
    assert "PEC017" in [p[:6] for p in rows[2].problems]
    assert len(rows[2].attachments) == 100
    assert triage.summary(rows)["unreadable"] == 2


def _deeply_nested(depth: int) -> bytes:
    head = b"From: a@b.example\r\nSubject: nested\r\nX-Trasporto: posta-certificata\r\n"
    body = b""
    for n in range(depth):
        body += f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'.encode()
    return head + body


def test_triage_batch_hostile_messages_give_a_row_each(pec):
    hostile = [
        RawItem("deep.eml", _deeply_nested(5000)),
        RawItem("long-header.eml", b"From: a@b.example\r\nSubject: " + b"=?utf-8?q?" + b"A" * 2_000_000
                + b"?=\r\n\r\nbody\r\n"),
        RawItem("many-parts.eml", b"From: a@b.example\r\nX-Trasporto: posta-certificata\r\n"
                b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n'
                + b"--x\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Disposition: attachment; filename=a.bin\r\n\r\nA\r\n" * 3000 + b"--x--\r\n"),
        RawItem("missing.eml", None, "file non leggibile: test"),
        RawItem("good.eml", (pec / "messages" / "03_accettazione.eml").read_bytes()),
    ]
    rows = list(triage.triage(hostile))
    assert [r.file for r in rows] == [i.name for i in hostile]
    # 5000 nested multiparts: refused before parsing, under the fixed limits (PEC016)
    assert rows[0].problems and rows[0].problems[0][:6] == "PEC016", rows[0].problems
    # a 2 MB subject: headers beyond the fixed limit, not parsed (PEC018)
    assert rows[1].message_class == "not-pec" and {p[:6] for p in rows[1].problems} == {"PEC018"}
    assert rows[1].explanation is None
    # 3000 bare parts in a "posta-certificata": beyond the part limit (PEC016)
    assert [p[:6] for p in rows[2].problems] == ["PEC016"]
    assert rows[2].attachments == []
    assert rows[3].problems[0].startswith("PEC013")
    assert rows[4].receipt_type == "accettazione" and rows[4].problems == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_triage_batch_progress_bar_only_on_a_terminal(pec, monkeypatch):
    err, out = _Terminal(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", out)
    assert cli.main(["triage", str(pec / "mixed.mbox"), "--json"]) == 0
    n = len(boxes(pec))
    assert f"] {n}/{n}" in err.getvalue() and "\r[" in err.getvalue()
    assert len(json.loads(out.getvalue())) == n   # stdout stays pure JSON


def test_triage_batch_encoded_headers_are_decoded():
    raw = ("From: =?utf-8?q?Comune_di_Cremona?= <ufficio@comune.cremona.example>\r\n"
           "Subject: =?utf-8?b?" + base64.b64encode("Perché l'attività è sospesa".encode()).decode()
           + "?=\r\nDate: Fri, 20 Nov 2026 10:15:30 +0100\r\n\r\ntesto\r\n").encode()
    row = triage.triage_bytes("x.eml", raw)
    assert row.subject == "Perché l'attività è sospesa"
    assert row.sender == "ufficio@comune.cremona.example"
    assert row.date == "2026-11-20T10:15:30+01:00"


def test_triage_size_limit_comes_from_the_environment(pec, tmp_path):
    # PEC_PRECHECK_TRIAGE_MAX_MB, read by the command in its own process (no monkeypatch)
    import os
    import subprocess
    import sys
    big = tmp_path / "grande.eml"
    big.write_bytes((pec / "messages" / "01_posta-certificata.eml").read_bytes() + b"x" * 200_000)
    small = tmp_path / "piccolo.eml"
    shutil.copy(pec / "messages" / "03_accettazione.eml", small)

    def triage_json(limit_mb: str) -> dict:
        run = subprocess.run([sys.executable, "-m", "checker", "triage", str(big), str(small), "--json"],
                             capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PEC_PRECHECK_TRIAGE_MAX_MB": limit_mb})
        assert run.returncode == 0, run.stderr
        return {Path(r["file"]).name: r for r in json.loads(run.stdout)}

    limited = triage_json("0.1")
    assert [p[:6] for p in limited["grande.eml"]["problems"]] == ["PEC012"]
    assert "0.1 MB" in limited["grande.eml"]["problems"][0]
    assert limited["piccolo.eml"]["receipt_type"] == "accettazione"
    assert triage_json("150")["grande.eml"]["class"] == "posta-certificata"
