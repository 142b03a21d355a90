"""A real OCSP responder and CRL server on 127.0.0.1 for the test PKI's intermediate CA.

Answers what RFC 6960 and RFC 5280 say a CA's services answer: OCSP POSTs get a signed
BasicOCSPResponse (good or revoked, the request's nonce echoed), GET /crl gets the CA's
CRL in DER. `forge=True` signs OCSP answers with an untrusted key, as an attacker would;
`status` other than "successful" answers with that OCSP error status instead.
"""
from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

import pki as P


class RevocationServer:
    def __init__(self, k: P.TestPKI):
        self.k = k
        self.revoked: set[int] = set()
        self.known: dict[int, x509.Certificate] = {}
        self.forge = False
        self.status = "successful"
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append(f"POST {self.path}")
                self._send(server.ocsp_answer(body), "application/ocsp-response")

            def do_GET(self):
                server.requests.append(f"GET {self.path}")
                self._send(server.crl(), "application/pkix-crl")

            def _send(self, data: bytes, kind: str):
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def signer(self, label: str, *, ocsp: bool = True, crl: bool = True,
               revoked: bool = False) -> P.Identity:
        who = P.signer_with_urls(self.k, label, ocsp_url=f"{self.base}/ocsp" if ocsp else None,
                                 crl_url=f"{self.base}/crl" if crl else None)
        self.known[who.cert.serial_number] = who.cert
        if revoked:
            self.revoked.add(who.cert.serial_number)
        return who

    def ocsp_answer(self, body: bytes) -> bytes:
        if self.status != "successful":
            status = getattr(ocsp.OCSPResponseStatus, self.status.upper())
            return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
                serialization.Encoding.DER)
        request = ocsp.load_der_ocsp_request(body)
        cert = self.known[request.serial_number]
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        revoked = request.serial_number in self.revoked
        issuer = self.k.intermediate
        builder = (ocsp.OCSPResponseBuilder()
                   .add_response(cert=cert, issuer=issuer.cert, algorithm=request.hash_algorithm,
                                 cert_status=ocsp.OCSPCertStatus.REVOKED if revoked
                                 else ocsp.OCSPCertStatus.GOOD,
                                 this_update=now - dt.timedelta(minutes=1),
                                 next_update=now + dt.timedelta(days=1),
                                 revocation_time=now - dt.timedelta(days=2) if revoked else None,
                                 revocation_reason=None)
                   .responder_id(ocsp.OCSPResponderEncoding.HASH,
                                 self.k.rogue_root.cert if self.forge else issuer.cert))
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        except x509.ExtensionNotFound:
            pass
        if self.forge:  # a responder the CA never delegated, certificate included
            builder = builder.certificates([self.k.rogue_root.cert])
            return builder.sign(self.k.rogue_root.key, hashes.SHA256()).public_bytes(
                serialization.Encoding.DER)
        return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def crl(self) -> bytes:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.k.intermediate.cert.subject)
                   .last_update(now - dt.timedelta(hours=1)).next_update(now + dt.timedelta(days=7)))
        for serial in sorted(self.revoked):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(now - dt.timedelta(days=2)).build())
        return builder.sign(self.k.intermediate.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
