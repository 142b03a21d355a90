"""checks/xmldoc.py: DOCTYPE/ENTITY refused by defusedxml before anything else parses the
file; then stylesheet, XInclude, links, scripts, KML network links; FatturaPA and XAdES
(namespace and algorithm URIs) pass."""
from __future__ import annotations

import pytest

from content_cases import case, check_through_engine, codes, doc_findings, only, run_check

from checker.checks import xmldoc
from checker.model import FormatInfo, InputFile, Verdict


def xml(name: str, fmt: str | None = None, data: bytes | None = None):
    return run_check("xml", name, data if data is not None else case(name), fmt)


@pytest.mark.parametrize("name,fmt", [("fattura.xml", "xml"), ("pulito.kml", "kml"), ("pulito.svg", "svg")])
def test_clean_xml_kml_svg_pass_namespace_and_algorithm_uris_are_not_links(name, fmt):
    assert xml(name, fmt).findings == []


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_XML001_doctype_entity_is_refused_before_parsing(name):
    result = xml(name)
    assert codes(result) == {"XML001"}


def test_XML001_billion_laughs_is_refused_before_expansion():
    # expanding it would take minutes and gigabytes (the test's timeout would catch that);
    # the real cost is measured by bench/hostile_bench.py
    result = xmldoc.run(InputFile("b.xml", case("billion-laughs.xml")), FormatInfo(id="xml"), None)
    assert codes(result) == {"XML001"}


def test_XML003_depth_limit():
    [deep] = only(xml("profondo.xml"), "XML003")
    assert deep.args["max_depth"] == str(xmldoc.MAX_DEPTH)


def test_XML002_malformed():
    assert codes(xml("malformato.xml")) == {"XML002"}


def test_XML004_stylesheet_processing_instruction():
    [pi] = only(xml("foglio-stile.xml"), "XML004")
    assert "http://style.example.org/vista.xsl" in pi.detail


def test_XML005_xinclude_with_href_and_path():
    [inc] = only(xml("xinclude.xml"), "XML005")
    assert inc.detail == "http://data.example.org/allegato.xml" and inc.location == "/istanza/include"


def test_XML006_xlink_href_and_XML007_url_in_text():
    result = xml("collegamenti.xml")
    [link] = only(result, "XML006")
    assert link.detail == "https://files.example.org/planimetria.pdf"
    assert link.location == "/istanza/allegato/@href"
    [text] = only(result, "XML007")
    assert text.detail == "https://www.example.org/pratica/42" and text.location == "/istanza/note"


def test_KML_network_link_external_style_and_html_description():
    result = xml("rete.kml", "kml")
    [network] = only(result, "XML009")
    assert network.detail == "http://maps.example.org/livello.kml"
    assert network.location == "/kml/Document/NetworkLink"
    # the network link's own href is not reported a second time as a plain link
    assert [(f.detail, f.location) for f in only(result, "XML006")] == [
        ("http://maps.example.org/stili.kml#rosso", "/kml/Document/Placemark/styleUrl"),
        ("http://www.example.org/sede", "/kml/Document/Placemark/description")]
    [html] = only(result, "XML010")
    assert html.location == "/kml/Document/Placemark/description" and "<a href=" in html.detail
    assert codes(result) == {"XML006", "XML009", "XML010"}


def test_SVG_script_event_handler_and_external_image():
    result = xml("script.svg", "svg")
    assert sorted((f.detail, f.location) for f in only(result, "XML008")) == [
        ("<script>", "/svg/script"), ('onload="init()"', "/svg")]
    assert sorted((f.detail, f.location) for f in only(result, "XML006")) == [
        ("http://img.example.org/x.png", "/svg/a/image/@href"),
        ("https://www.example.org/", "/svg/a/@href")]
    assert codes(result) == {"XML006", "XML008"}


def test_HTML_link_and_script():
    result = xml("collegamenti.html", "html")
    assert {f.detail for f in only(result, "XML006")} == {"https://www.example.org/"}
    assert [(f.detail, f.location) for f in only(result, "XML008")] == [("<script>", "/html/body/script")]


def test_xades_policy_uri_in_signature_metadata_is_not_a_link():
    policy = (b"<xades:SignaturePolicyIdentifier><xades:SignaturePolicyId><xades:SigPolicyQualifiers>"
              b"<xades:SigPolicyQualifier><xades:SPURI>http://www.example.gov.it/policy.pdf</xades:SPURI>"
              b"</xades:SigPolicyQualifier></xades:SigPolicyQualifiers></xades:SignaturePolicyId>"
              b"</xades:SignaturePolicyIdentifier>")
    data = case("fattura.xml").replace(b"</xades:SignedSignatureProperties>",
                                       policy + b"</xades:SignedSignatureProperties>")
    assert b"SPURI" in data
    assert xml("f.xml", data=data).findings == []


def test_xades_reference_to_an_external_url_is_a_link():
    data = case("fattura.xml").replace(b'<ds:Reference URI="">', b'<ds:Reference URI="http://evil.example/doc">')
    assert [f.detail for f in only(xml("f.xml", data=data), "XML006")] == ["http://evil.example/doc"]


@pytest.mark.parametrize("data, detail", [
    (b"", "no element found"),
    (b"\xff\xfe\x00<", "not well-formed"),
    (b"<?xml version='1.0' encoding='klingon'?><a/>", "unknown encoding: klingon"),
    (b"<a>" + b"<b>" * 50 + b"&undefined;" + b"</b>" * 50 + b"</a>", "undefined entity"),
])
def test_hostile_xml_never_crashes_and_is_malformed(data, detail):
    result = xmldoc.run(InputFile("x.xml", data), FormatInfo(id="xml"), None)
    assert [f.code for f in result.findings] == ["XML002"]
    assert detail in result.findings[0].detail


def test_engine_reports_xml_findings_and_fattura_passes():
    files = {n: case(n) for n in ("fattura.xml", "xxe.xml", "rete.kml")}
    report = check_through_engine(files, profile="piacenza")
    assert report.verdict is Verdict.FIX
    assert doc_findings(report, "fattura.xml", "xml") == []
    assert [f.code for f in doc_findings(report, "xxe.xml", "xml")] == ["XML001"]
    assert sorted(f.code for f in doc_findings(report, "rete.kml", "xml")) == \
        ["XML006", "XML006", "XML009", "XML010"]


@pytest.mark.parametrize("element", [b"<e>x</e>", b"<e>http://a.example.org/x</e>", b'<e href="http://a.example.org"/>'])
def test_large_flat_xml_is_checked_with_bounded_findings(element):
    data = b"<r>" + element * 100_000 + b"</r>"
    result = xmldoc.run(InputFile("big.xml", data), FormatInfo(id="xml"), None)
    assert len(result.findings) <= 20
    if result.findings:
        assert result.findings[0].location.startswith("/r/e[1]")
        assert "altri 99980" in result.findings[-1].detail


def test_svg_and_xhtml_standard_doctype_line_is_allowed_but_entities_are_not():
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>')
    assert xmldoc.run(InputFile("a.svg", svg), FormatInfo(id="svg"), None).findings == []
    xhtml = (b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
             b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
             b"<body><p>Oggetto: istanza</p></body></html>")
    assert xmldoc.run(InputFile("a.xhtml", xhtml), FormatInfo(id="html"), None).findings == []
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    assert codes(xmldoc.run(InputFile("b.svg", bomb), FormatInfo(id="svg"), None)) == {"XML001"}
    plain = b'<?xml version="1.0"?><!DOCTYPE istanza SYSTEM "istanza.dtd"><istanza/>'
    assert codes(xmldoc.run(InputFile("i.xml", plain), FormatInfo(id="xml"), None)) == {"XML001"}


def test_HTML_with_200k_links_is_streamed_and_capped_with_the_right_count():
    # a million of these took a worker to ~1 GB when the whole tree and every hit were built;
    # now the first hits per code are kept and the rest counted (speed: bench/hostile_bench.py)
    links = 200_000
    body = b"".join(b'<p><a href="http://h%d.example.org/">x</a> vedi https://t%d.example.org/</p>\n'
                    % (n, n) for n in range(links))
    data = b"<html><head><title>t</title></head><body>" + body + b"</body></html>"
    result = xmldoc.run(InputFile("a.html", data), FormatInfo(id="html"), None)
    cap = xmldoc.MAX_FINDINGS_PER_CODE
    hrefs, texts = only(result, "XML006"), only(result, "XML007")
    assert codes(result) == {"XML006", "XML007"} and len(hrefs) == len(texts) == cap
    assert [f.detail for f in hrefs[:2]] == ["http://h0.example.org/", "http://h1.example.org/"]
    assert hrefs[0].location == "/html/body/p[1]/a/@href" and texts[1].location == "/html/body/p[2]/a"
    assert hrefs[-1].detail == f"http://h{cap - 1}.example.org/ (e altri {links - cap} casi simili)"
    assert texts[-1].detail == f"https://t{cap - 1}.example.org/ (e altri {links - cap} casi simili)"


def test_HTML_streaming_keeps_document_order_across_text_tails_and_comments():
    data = (b"<html><body><div>http://a.example.org<!-- http://c.example.org --> http://d.example.org"
            b"<b>http://b.example.org</b> http://e.example.org</div> http://f.example.org</body></html>")
    result = xmldoc.run(InputFile("a.html", data), FormatInfo(id="html"), None)
    # as a whole-tree walk reports them: an element's text and tail before its children's;
    # text after a comment belongs to the comment, which is skipped
    assert [(f.detail, f.location) for f in only(result, "XML007")] == [
        ("http://a.example.org", "/html/body/div"), ("http://f.example.org", "/html/body/div"),
        ("http://b.example.org", "/html/body/div/b"), ("http://e.example.org", "/html/body/div/b")]
