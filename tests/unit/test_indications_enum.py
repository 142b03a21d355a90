"""ETSI indications are enums inside the code (checker/model.py Indication, SubIndication) and
the same ETSI strings in the JSON report."""
from __future__ import annotations

import json

from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESPassed

from checker import report
from checker.model import Indication, SignatureInfo, SubIndication
from checker.signatures import indications


def test_every_pyhanko_sub_indication_has_a_member():
    names = {m.standard_name for m in [*AdESFailure, *AdESIndeterminate]}
    assert names <= {s.value for s in SubIndication}


def test_strings_given_become_enums_and_compare_equal_to_them():
    info = SignatureInfo(kind="cades", indication="FAILED", sub_indication="HASH_FAILURE")
    assert info.indication is Indication.FAILED and info.sub_indication is SubIndication.HASH_FAILURE
    assert info.indication == "FAILED" and f"{info.indication}/{info.sub_indication}" == "FAILED/HASH_FAILURE"


def test_json_carries_the_etsi_strings():
    info = SignatureInfo(kind="pades", indication=Indication.INDETERMINATE,
                         sub_indication=SubIndication.NO_CERTIFICATE_CHAIN_FOUND)
    plain = report.signature_json(info)
    assert type(plain["indication"]) is str and type(plain["sub_indication"]) is str
    assert json.loads(json.dumps(plain))["sub_indication"] == "NO_CERTIFICATE_CHAIN_FOUND"
    finding = indications.finding_for(info)
    assert finding.args["indication"] == "INDETERMINATE" and type(finding.args["indication"]) is str


def test_pyhanko_outcome_is_converted():
    assert indications.from_pyhanko(AdESPassed.OK) == (Indication.PASSED, None)
    assert indications.from_pyhanko(AdESFailure.HASH_FAILURE) == (Indication.FAILED, SubIndication.HASH_FAILURE)
    assert indications.from_pyhanko(AdESIndeterminate.TRY_LATER) == (Indication.INDETERMINATE,
                                                                       SubIndication.TRY_LATER)
