#!/usr/bin/env python3
"""Run PyKMIP's own KMIP server on a loopback port, for `keyhaven bench kmip` comparisons.

Usage:
    python3 -m pip install pykmip
    python3 crates/keyhaven/benches/pykmip_server.py --dir /tmp/pykmip --port 15696

It writes into --dir (created if missing; an existing certificate set there is reused):

    ca.pem                      ECDSA P-256 CA (self-signed)
    server.pem, server-key.pem  server certificate: CN=localhost, SAN DNS:localhost and
                                IP:127.0.0.1, extended key usage serverAuth
    client.pem, client-key.pem  client certificate: CN=keyhaven-bench, extended key usage
                                clientAuth (PyKMIP refuses client certificates without it)
    server.conf                 the PyKMIP server configuration
    pykmip.db                   the server's SQLite database (removed at start: a fresh store)
    server.log                  the server's log (level WARNING unless --log-level says otherwise)
    policies/                   empty operation-policy directory: the built-in 'default'
                                policy applies

then runs the server in the foreground (stop it with Ctrl-C or SIGTERM).

Why these choices:
- PyKMIP's 'TLS1.2' authentication suite offers TLS 1.2 only, with a fixed list of cipher
  suites whose AEAD members are all ECDHE-ECDSA-AES*-GCM; a client that accepts only modern
  suites (rustls) therefore needs an ECDSA server certificate.
- Authorization: PyKMIP takes the client identity from the certificate's subject CN and makes
  that identity the owner of every object it creates; the built-in 'default' operation policy
  lets the owner do everything with its objects (Get, which Encrypt is checked against,
  Activate, Destroy, ...). So one client certificate for all benchmark connections works
  without a policy file.
- The server logs every operation at INFO; WARNING keeps file logging off the hot path.

Then, for example:
    keyhaven bench kmip --kmip-addr 127.0.0.1:15696 --ca /tmp/pykmip/ca.pem \\
        --cert /tmp/pykmip/client.pem --key /tmp/pykmip/client-key.pem --ops create,encrypt
"""

import argparse
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path, key):
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _write_cert(path, cert):
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def _builder(subject, issuer, public_key, days):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def make_certificates(directory):
    """Creates the CA, server and client certificates (ECDSA P-256, SHA-256)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("keyhaven bench PyKMIP CA")
    ca = (
        _builder(ca_name, ca_name, ca_key.public_key(), 30)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(common_name, usage, san):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            _builder(_name(common_name), ca_name, key.public_key(), 30)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=True,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return key, builder.sign(ca_key, hashes.SHA256())

    server_key, server = leaf(
        "localhost",
        ExtendedKeyUsageOID.SERVER_AUTH,
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )
    client_key, client = leaf("keyhaven-bench", ExtendedKeyUsageOID.CLIENT_AUTH, None)

    _write_cert(os.path.join(directory, "ca.pem"), ca)
    _write_key(os.path.join(directory, "ca-key.pem"), ca_key)
    _write_cert(os.path.join(directory, "server.pem"), server)
    _write_key(os.path.join(directory, "server-key.pem"), server_key)
    _write_cert(os.path.join(directory, "client.pem"), client)
    _write_key(os.path.join(directory, "client-key.pem"), client_key)


def write_config(directory, host, port, log_level):
    """Writes server.conf and returns its path."""
    policies = os.path.join(directory, "policies")
    os.makedirs(policies, exist_ok=True)
    path = os.path.join(directory, "server.conf")
    with open(path, "w") as f:
        f.write(
            "[server]\n"
            f"hostname={host}\n"
            f"port={port}\n"
            f"certificate_path={os.path.join(directory, 'server.pem')}\n"
            f"key_path={os.path.join(directory, 'server-key.pem')}\n"
            f"ca_path={os.path.join(directory, 'ca.pem')}\n"
            "auth_suite=TLS1.2\n"
            f"policy_path={policies}\n"
            "enable_tls_client_auth=True\n"
            f"logging_level={log_level}\n"
            f"database_path={os.path.join(directory, 'pykmip.db')}\n"
        )
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="working directory (certificates, database)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=15696)
    parser.add_argument("--log-level", default="WARNING", help="PyKMIP logging level")
    parser.add_argument(
        "--new-certs", action="store_true", help="replace an existing certificate set"
    )
    args = parser.parse_args()

    if not ipaddress.ip_address(args.host).is_loopback:
        sys.exit("refusing to listen on a non-loopback address")
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    if args.new_certs or not os.path.exists(os.path.join(directory, "client-key.pem")):
        make_certificates(directory)
    database = os.path.join(directory, "pykmip.db")
    if os.path.exists(database):
        os.remove(database)
    config = write_config(directory, args.host, args.port, args.log_level)

    # Imported late so that --help works without PyKMIP installed.
    from kmip.services.server.server import KmipServer

    print(
        f"PyKMIP server on {args.host}:{args.port} (TLS 1.2, client certificate required); "
        f"CA {directory}/ca.pem, client {directory}/client.pem + client-key.pem",
        flush=True,
    )
    server = KmipServer(
        config_path=config,
        log_path=os.path.join(directory, "server.log"),
        live_policies=False,
    )
    with server:
        server.serve()


if __name__ == "__main__":
    main()
