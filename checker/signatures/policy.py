"""What a signature is judged by, whatever its format: the dated algorithm policy, the
validation time (now, or the date asked for), and when a signer counts as qualified."""
from __future__ import annotations

from datetime import datetime

from asn1crypto import algos, keys
from pyhanko_certvalidator.policy_decl import AlgorithmUsageConstraint, AlgorithmUsagePolicy

from . import certinfo


class DatedAlgorithmPolicy(AlgorithmUsagePolicy):
    """SHA-1 and RSA < 2048 are judged by date (ETSI TS 119 312): allowed for a signature
    proven to exist before their sunset, refused after; MD2/MD5 and RSA < 1024 never."""

    def digest_algorithm_allowed(self, algo: algos.DigestAlgorithm,
                                 moment: datetime | None) -> AlgorithmUsageConstraint:
        name = algo["algorithm"].native
        if name in ("md2", "md5"):
            return AlgorithmUsageConstraint(False, failure_reason=f"{name} is broken")
        if name == "sha1":
            return _dated(moment, certinfo.SHA1_SUNSET, "SHA-1")
        return AlgorithmUsageConstraint(True)

    def signature_algorithm_allowed(self, algo: algos.SignedDigestAlgorithm, moment: datetime | None,
                                    public_key: keys.PublicKeyInfo | None) -> AlgorithmUsageConstraint:
        try:
            hash_algo = algo.hash_algo
        except ValueError:
            hash_algo = None
        if hash_algo:
            verdict = self.digest_algorithm_allowed(
                algos.DigestAlgorithm({"algorithm": hash_algo}), moment)
            if not verdict:
                return verdict
        if public_key is not None and public_key.algorithm == "rsa":
            bits = public_key.bit_size
            if bits < 1024:
                return AlgorithmUsageConstraint(False, failure_reason=f"RSA {bits} bit")
            if bits < certinfo.RSA_MIN_BITS:
                return _dated(moment, certinfo.RSA1024_SUNSET, f"RSA {bits} bit")
        return AlgorithmUsageConstraint(True)


def _dated(moment: datetime | None, sunset: datetime, label: str) -> AlgorithmUsageConstraint:
    if moment is not None and moment < sunset:
        return AlgorithmUsageConstraint(True)
    return AlgorithmUsageConstraint(False, not_allowed_after=sunset,
                                    failure_reason=f"{label} not allowed after {sunset:%Y-%m-%d}")


def qualification(described: certinfo.SignerCert, trusted_path: bool,
                  in_list: bool | None) -> bool | None:
    """Qualified signature: a QcCompliance + QcSSCD certificate on a trusted path, and,
    when a trusted list is loaded, a CA/QC service of that list in force at the signing
    time. None when it cannot be told (no trusted path)."""
    if not described.qc_compliance:
        return False
    if not trusted_path:
        return None
    if in_list is not None:
        return bool(in_list and described.qc_sscd)
    return described.qc_sscd
