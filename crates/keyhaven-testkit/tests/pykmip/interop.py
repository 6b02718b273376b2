#!/usr/bin/env python3
"""PyKMIP interoperability check for keyhaven's KMIP server.

Runs every operation PyKMIP's ProxyKmipClient offers against a KMIP server, each as a named
step that asserts a real result (round trips, known answers computed locally, state changes
seen through Get Attributes). Prints `PASS step`, `FAIL step: reason` (with the last TTLV
request and response decoded) or `SKIP step: reason` (only for an operation the chosen KMIP
version does not have, which PyKMIP refuses to send), then a summary line; exits 1 when a
step failed, 2 when the connection could not be set up at all.

Usage:
  interop.py --host 127.0.0.1 --port 5696 --cert client.pem --key client-key.pem \
             --ca ca.pem --version {1.2,1.4,2.0} [--ssl-version PROTOCOL_TLS] [--debug]

Needs the `pykmip` package (which brings `cryptography`, used for the local checks).
"""

import argparse
import hashlib
import hmac
import logging
import os
import sys
import traceback
import uuid
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives import padding as sym_padding  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402
from kmip.core import enums  # noqa: E402
from kmip.core import exceptions as core_exceptions  # noqa: E402
from kmip.core import objects as cobjects  # noqa: E402
from kmip.core.factories import attributes as attribute_factories  # noqa: E402
from kmip.pie import client as pie_client  # noqa: E402
from kmip.pie import exceptions as pie_exceptions  # noqa: E402
from kmip.pie import objects as pobjects  # noqa: E402
from kmip.services import kmip_protocol  # noqa: E402

VERSIONS = {
    "1.2": enums.KMIPVersion.KMIP_1_2,
    "1.4": enums.KMIPVersion.KMIP_1_4,
    "2.0": enums.KMIPVersion.KMIP_2_0,
}

ALG = enums.CryptographicAlgorithm
MASK = enums.CryptographicUsageMask
STATE = enums.State

AES_CBC = {
    "cryptographic_algorithm": ALG.AES,
    "block_cipher_mode": enums.BlockCipherMode.CBC,
    "padding_method": enums.PaddingMethod.PKCS5,
}
RSA_SHA256_PKCS1 = {
    "cryptographic_algorithm": ALG.RSA,
    "hashing_algorithm": enums.HashingAlgorithm.SHA_256,
    "padding_method": enums.PaddingMethod.PKCS1v15,
}


# --- TTLV capture: the last request and response of each step, decoded on failure ------------

class Wire:
    """Records what PyKMIP writes to and reads from the socket."""

    exchanges = []

    @classmethod
    def install(cls):
        write = kmip_protocol.KMIPProtocol.write
        read = kmip_protocol.KMIPProtocol.read

        def recording_write(self, data):
            cls.exchanges.append(["request", bytes(data), None])
            return write(self, data)

        def recording_read(self):
            data = read(self)
            if cls.exchanges and cls.exchanges[-1][2] is None:
                cls.exchanges[-1][2] = bytes(data.buffer)
            else:
                cls.exchanges.append(["response only", b"", bytes(data.buffer)])
            return data

        kmip_protocol.KMIPProtocol.write = recording_write
        kmip_protocol.KMIPProtocol.read = recording_read

    @classmethod
    def reset(cls):
        cls.exchanges = []

    @classmethod
    def last(cls):
        return cls.exchanges[-1] if cls.exchanges else None


TTLV_TYPES = {
    0x01: "Structure", 0x02: "Integer", 0x03: "LongInteger", 0x04: "BigInteger",
    0x05: "Enumeration", 0x06: "Boolean", 0x07: "TextString", 0x08: "ByteString",
    0x09: "DateTime", 0x0A: "Interval", 0x0B: "DateTimeExtended",
}


def tag_name(tag):
    try:
        return enums.Tags(tag).name
    except ValueError:
        return "0x%06X" % tag


def enum_name(tag, value):
    name = tag_name(tag)
    cls_name = "".join(p.capitalize() for p in name.split("_"))
    special = {"OPERATION": "Operation", "ATTRIBUTE_REFERENCE": "Tags"}
    cls = getattr(enums, special.get(name, cls_name), None)
    if cls is not None:
        try:
            return "%s (0x%X)" % (cls(value).name, value)
        except (ValueError, TypeError):
            pass
    return "0x%X" % value


def parse_ttlv(buf):
    """Parses TTLV into a list of (tag, type, value) items; a structure's value is its list."""
    items = []
    pos = 0
    while pos + 8 <= len(buf):
        tag = int.from_bytes(buf[pos:pos + 3], "big")
        typ = buf[pos + 3]
        length = int.from_bytes(buf[pos + 4:pos + 8], "big")
        body = bytes(buf[pos + 8:pos + 8 + length])
        if len(body) < length:
            items.append((tag, None, "<truncated>"))
            break
        if typ == 0x01:
            value = parse_ttlv(body)
        elif typ in (0x02, 0x05, 0x0A):
            value = int.from_bytes(body[:4], "big", signed=typ == 0x02)
        elif typ in (0x03, 0x09, 0x0B):
            value = int.from_bytes(body, "big", signed=True)
        elif typ == 0x06:
            value = bool(int.from_bytes(body, "big"))
        elif typ == 0x07:
            value = body.decode("utf-8", "replace")
        else:
            value = body
        items.append((tag, typ, value))
        pos += 8 + ((length + 7) // 8) * 8
    return items


def format_ttlv(items, depth=0, out=None):
    """Indented lines for parsed TTLV."""
    out = [] if out is None else out
    pad = "  " * depth
    for tag, typ, value in items:
        label = "%s%s %s" % (pad, tag_name(tag), TTLV_TYPES.get(typ, "type %r" % typ))
        if typ == 0x01:
            out.append(label)
            format_ttlv(value, depth + 1, out)
        elif typ == 0x05:
            out.append("%s = %s" % (label, enum_name(tag, value)))
        elif isinstance(value, bytes):
            more = "...(%d bytes)" % len(value) if len(value) > 40 else ""
            out.append("%s = %s%s" % (label, value[:40].hex(), more))
        elif typ == 0x07:
            out.append("%s = %r" % (label, value))
        else:
            out.append("%s = %s" % (label, value))
    return out


def walk(items):
    """Every item, depth first."""
    for item in items:
        yield item
        if item[1] == 0x01:
            yield from walk(item[2])


def child(items, tag):
    """The value of the first item with `tag` among `items`, or None."""
    for t, _, v in items:
        if t == tag:
            return v
    return None


def last_response():
    """The parsed last response message (as a list of items), or []."""
    last = Wire.last()
    return parse_ttlv(last[2]) if last and last[2] else []


def wire_result():
    """(ResultStatus, ResultReason, ResultMessage) of the last response's first batch item."""
    items = list(walk(last_response()))
    get = lambda tag: next((v for t, _, v in items if t == tag), None)  # noqa: E731
    status, reason = get(enums.Tags.RESULT_STATUS.value), get(enums.Tags.RESULT_REASON.value)
    return (enums.ResultStatus(status) if status is not None else None,
            enums.ResultReason(reason) if reason is not None else None,
            get(enums.Tags.RESULT_MESSAGE.value))


def wire_attributes():
    """The attributes in the last Get Attributes response, read from the wire: {name: [value]}
    (a structure's value as {tag name: value}), for clients PyKMIP cannot decode."""
    out = {}
    payload = next((v for t, _, v in walk(last_response())
                    if t == enums.Tags.RESPONSE_PAYLOAD.value), [])
    attrs_2x = child(payload, enums.Tags.ATTRIBUTES.value)
    if attrs_2x is not None:
        for tag, typ, value in attrs_2x:
            try:
                name = enums.convert_attribute_tag_to_name(enums.Tags(tag))
            except ValueError:
                name = tag_name(tag)
            out.setdefault(name, []).append(plain(typ, value))
    for tag, typ, value in payload:
        if tag == enums.Tags.ATTRIBUTE.value:
            name = child(value, enums.Tags.ATTRIBUTE_NAME.value)
            v = next(((ty, va) for t, ty, va in value if t == enums.Tags.ATTRIBUTE_VALUE.value),
                     (None, None))
            out.setdefault(name, []).append(plain(*v))
    return out


def plain(typ, value):
    if typ == 0x01:
        return {tag_name(t): plain(ty, v) for t, ty, v in value}
    return value


# --- Helpers -------------------------------------------------------------------------------

class StepFailed(Exception):
    pass


class Skip(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise StepFailed(what)


def describe(e):
    if isinstance(e, pie_exceptions.KmipOperationFailure):
        return "KmipOperationFailure: %s / %s: %s" % (
            getattr(e.status, "name", e.status), getattr(e.reason, "name", e.reason), e.message)
    if isinstance(e, core_exceptions.KmipError):
        return "%s: %s / %s: %s" % (
            type(e).__name__, getattr(e.status, "name", e.status),
            getattr(e.reason, "name", e.reason), e)
    if isinstance(e, StepFailed):
        return str(e)
    return "%s: %s" % (type(e).__name__, e)


def pyval(v):
    """A Python value for an attribute value PyKMIP decoded."""
    if hasattr(v, "name_value"):
        return v.name_value.value
    if hasattr(v, "link_type") and hasattr(v, "linked_object_identifier"):
        return (v.link_type.value, v.linked_object_identifier.value)
    if hasattr(v, "value"):
        return v.value
    return v


# What each context entry a step needs comes from (for "not run" reports).
PROVIDED_BY = {
    "c": "create", "c_active": "activate", "ct": "encrypt", "r": "register",
    "r_active": "encrypt (known answer on the registered key)",
    "h": "register + activate (HMAC-SHA256 key)", "pub": "create_key_pair",
    "pair_active": "activate (key pair)", "sig": "sign", "rekeyed": "rekey",
    "contact": "set_attribute", "r_revoked": "revoke", "h_revoked": "revoke (key compromise)",
}


def unique(label):
    return "pykmip-%s-%s" % (label, uuid.uuid4().hex[:10])


class Interop:
    def __init__(self, args):
        self.args = args
        self.version = VERSIONS[args.version]
        self.is2 = self.version == enums.KMIPVersion.KMIP_2_0
        self.factory = attribute_factories.AttributeFactory()
        self.client = None
        self.results = []
        self.ctx = {}

    # -- connection

    def connect(self):
        if self.client is not None:
            try:
                self.client.close()
            except Exception:  # noqa: BLE001 - a broken socket may not close cleanly
                pass
        self.client = pie_client.ProxyKmipClient(
            hostname=self.args.host,
            port=self.args.port,
            cert=self.args.cert,
            key=self.args.key,
            ca=self.args.ca,
            ssl_version=self.args.ssl_version,
            kmip_version=self.version,
            config_file=os.devnull,
        )
        self.client.open()

    # -- running steps

    def step(self, name, fn, needs=()):
        missing = [n for n in needs if n not in self.ctx]
        if missing:
            self.report("FAIL", name, "not run: needs the result of %s, which failed"
                        % ", ".join("'%s'" % PROVIDED_BY.get(m, m) for m in missing))
            return
        Wire.reset()
        try:
            detail = fn()
        except Skip as e:
            self.report("SKIP", name, str(e))
            return
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            self.report("FAIL", name, describe(e), wire=True,
                        trace=not isinstance(e, (StepFailed, pie_exceptions.KmipOperationFailure,
                                                 core_exceptions.KmipError)))
            if not isinstance(e, (StepFailed, pie_exceptions.KmipOperationFailure,
                                  core_exceptions.OperationFailure)):
                # The connection may be unusable (server closed it, half-read message):
                # start the next step on a new one.
                try:
                    self.connect()
                except Exception as e2:  # noqa: BLE001
                    print("  (reconnect failed: %s)" % describe(e2))
            return
        self.report("PASS", name, detail)

    def report(self, status, name, detail=None, wire=False, trace=False):
        self.results.append((status, name))
        line = "%s %s" % (status, name)
        if detail:
            line += ": " + detail if status != "PASS" else " (%s)" % detail
        print(line, flush=True)
        if wire and Wire.last() is not None:
            _, req, resp = Wire.last()
            print("    last request sent:")
            for ln in format_ttlv(parse_ttlv(req)) if req else ["(none)"]:
                print("      " + ln)
            print("    response:")
            for ln in format_ttlv(parse_ttlv(resp)) if resp else ["(no response: connection "
                                                                  "closed or timed out)"]:
                print("      " + ln)
        if trace and self.args.debug:
            traceback.print_exc(file=sys.stdout)

    # -- attribute helpers

    @staticmethod
    def decoded(uid, got_uid, attributes):
        expect(got_uid == uid, "Get Attributes answered for %r, asked %r" % (got_uid, uid))
        out = {}
        for a in attributes:
            out.setdefault(a.attribute_name.value, []).append(pyval(a.attribute_value))
        return out

    def attrs(self, uid, names):
        """Get Attributes through PyKMIP: {name: [value]}."""
        return self.decoded(uid, *self.client.get_attributes(uid, names))

    def attrs_or_wire(self, uid, names=None):
        """Get Attributes through PyKMIP; when PyKMIP cannot decode a correct answer, the
        attributes read from the wire instead, and a note saying so."""
        try:
            got_uid, attributes = self.client.get_attributes(uid, names)
        except (pie_exceptions.KmipOperationFailure, OSError, EOFError):
            raise
        except Exception as e:  # noqa: BLE001 - PyKMIP raises bare Exception for some values
            status, reason, message = wire_result()
            expect(status == enums.ResultStatus.SUCCESS,
                   "PyKMIP raised %s; the server answered %r %r %r"
                   % (describe(e), status, reason, message))
            return wire_attributes(), "[PyKMIP limitation: it cannot decode the answer (%s); " \
                "checked on the wire]" % describe(e)
        return self.decoded(uid, got_uid, attributes), None

    def not_in_version(self, names):
        """The attribute names that the chosen KMIP version does not define."""
        bad = []
        for n in names:
            if n.startswith(("x-", "y-")):
                continue  # custom attributes (1.x)
            try:
                tag = enums.convert_attribute_name_to_tag(n)
            except ValueError:
                if "-" in n:
                    continue  # vendor attribute (2.x)
                bad.append("%s (no such attribute)" % n)
                continue
            if not enums.is_attribute(tag, self.version):
                bad.append(n)
        return bad

    def links(self, uid):
        """(Link Type value, Linked Object Identifier) pairs of `uid`, and a note."""
        values, note = self.attrs_or_wire(uid, ["Link"])
        pairs = []
        for v in values.get("Link", []):
            if isinstance(v, dict):
                pairs.append((v.get("LINK_TYPE"), v.get("LINKED_OBJECT_IDENTIFIER")))
            else:
                pairs.append((getattr(v[0], "value", v[0]), v[1]))
        return pairs, note

    def one(self, uid, name):
        values = self.attrs(uid, [name]).get(name, [])
        expect(len(values) == 1, "%s of %s: expected one value, got %r" % (name, uid, values))
        return values[0]

    def state(self, uid):
        return self.one(uid, "State")

    def name_attr(self, value):
        return self.factory.create_attribute(enums.AttributeType.NAME, value)

    def name_value(self, value):
        return self.factory.value_factory.create_attribute_value(enums.AttributeType.NAME, value)

    # -- the steps

    def run(self):
        c = lambda: self.client  # noqa: E731 - the client may be replaced by a reconnect
        ctx = self.ctx
        plaintext = b"keyhaven PyKMIP interop \x00\x01\x02 - " + os.urandom(21)

        # Symmetric key made by the server.
        def create():
            ctx["c_name"] = unique("aes")
            uid = c().create(ALG.AES, 256, name=ctx["c_name"])
            expect(isinstance(uid, str) and uid, "Create returned no identifier: %r" % (uid,))
            ctx["c"] = uid
            return uid
        self.step("create", create)

        def get_attributes():
            a = self.attrs(ctx["c"], ["Object Type", "Cryptographic Algorithm",
                                      "Cryptographic Length", "Cryptographic Usage Mask",
                                      "State", "Name"])
            expect(a.get("Object Type") == [enums.ObjectType.SYMMETRIC_KEY],
                   "Object Type %r" % a.get("Object Type"))
            expect(a.get("Cryptographic Algorithm") == [ALG.AES],
                   "Cryptographic Algorithm %r" % a.get("Cryptographic Algorithm"))
            expect(a.get("Cryptographic Length") == [256],
                   "Cryptographic Length %r" % a.get("Cryptographic Length"))
            mask = (a.get("Cryptographic Usage Mask") or [0])[0]
            want = MASK.ENCRYPT.value | MASK.DECRYPT.value
            expect(mask & want == want, "Cryptographic Usage Mask %r lacks Encrypt|Decrypt" % mask)
            expect(a.get("State") == [STATE.PRE_ACTIVE], "State %r (want PRE_ACTIVE)" % a.get("State"))
            expect(a.get("Name") == [ctx["c_name"]], "Name %r" % a.get("Name"))
        self.step("get_attributes", get_attributes, needs=["c"])

        def get_attributes_all():
            values, note = self.attrs_or_wire(ctx["c"])
            for n in ("Object Type", "Cryptographic Algorithm", "Cryptographic Length", "State"):
                expect(n in values, "%s missing from all attributes %r" % (n, sorted(values)))
            bad = self.not_in_version(values)
            expect(not bad, "attributes not defined in KMIP %s returned: %s%s"
                   % (self.args.version, ", ".join(bad), " " + note if note else ""))
            return "%d attributes%s" % (len(values), " " + note if note else "")
        self.step("get_attributes (all)", get_attributes_all, needs=["c"])

        def get_attribute_list():
            names = [getattr(n, "value", n) for n in c().get_attribute_list(ctx["c"])]
            for n in ("Object Type", "Cryptographic Algorithm", "Cryptographic Length", "State",
                      "Name", "Unique Identifier"):
                expect(n in names, "%s missing from %r" % (n, names))
            bad = self.not_in_version(names)
            expect(not bad, "names of attributes not defined in KMIP %s listed: %s"
                   % (self.args.version, ", ".join(bad)))
            return "%d names" % len(names)
        self.step("get_attribute_list", get_attribute_list, needs=["c"])

        def locate_by_name():
            found = c().locate(attributes=[self.name_attr(ctx["c_name"])])
            expect(found == [ctx["c"]], "Locate by Name found %r, want [%s]" % (found, ctx["c"]))
        self.step("locate (by name)", locate_by_name, needs=["c"])

        def locate_by_type():
            found = c().locate(attributes=[
                self.factory.create_attribute(enums.AttributeType.OBJECT_TYPE,
                                              enums.ObjectType.SYMMETRIC_KEY),
                self.factory.create_attribute(enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, ALG.AES),
            ])
            expect(ctx["c"] in found, "Locate by type+algorithm found %r, not %s" % (found, ctx["c"]))
            none = c().locate(attributes=[self.name_attr(unique("nobody"))])
            expect(none == [], "Locate by an unused Name found %r" % (none,))
            return "%d found" % len(found)
        self.step("locate (by object type + algorithm)", locate_by_type, needs=["c"])

        def activate():
            c().activate(ctx["c"])
            s = self.state(ctx["c"])
            expect(s == STATE.ACTIVE, "State after Activate is %r" % s)
            ctx["c_active"] = True
        self.step("activate", activate, needs=["c"])

        def check():
            got = c().check(ctx["c"], cryptographic_usage_mask=[MASK.ENCRYPT, MASK.DECRYPT])
            expect(got == ctx["c"], "Check returned %r" % (got,))
        self.step("check", check, needs=["c_active"])

        def check_refused():
            try:
                c().check(ctx["c"], cryptographic_usage_mask=[MASK.SIGN])
            except pie_exceptions.KmipOperationFailure as e:
                return "refused: %s" % e.reason.name
            except AttributeError as e:
                # PyKMIP reads the Check response payload even when the operation failed
                # (and a failed batch item carries none): read the answer on the wire.
                status, reason, message = wire_result()
                expect(status == enums.ResultStatus.OPERATION_FAILED,
                       "PyKMIP crashed (%s) and the server answered %r" % (describe(e), status))
                return "refused: %s [PyKMIP limitation: it crashes on a failed Check without " \
                    "a response payload (%s); checked on the wire]" % (
                        getattr(reason, "name", reason), describe(e))
            raise StepFailed("Check with Sign on an Encrypt|Decrypt key succeeded")
        self.step("check (usage not allowed is refused)", check_refused, needs=["c_active"])

        def encrypt():
            iv = os.urandom(16)
            ct, iv_back = c().encrypt(plaintext, ctx["c"], AES_CBC, iv)
            expect(isinstance(ct, bytes) and len(ct) % 16 == 0 and len(ct) > len(plaintext),
                   "ciphertext of %d bytes for %d plaintext bytes (AES-CBC-PKCS5)"
                   % (len(ct or b""), len(plaintext)))
            expect(ct[:len(plaintext)] != plaintext, "ciphertext starts with the plaintext")
            expect(iv_back in (None, iv), "server answered another IV %r" % (iv_back,))
            ctx["ct"] = (ct, iv)
        self.step("encrypt", encrypt, needs=["c_active"])

        def decrypt():
            ct, iv = ctx["ct"]
            pt = c().decrypt(ct, ctx["c"], AES_CBC, iv)
            expect(pt == plaintext, "decrypt(encrypt(x)) != x: %r" % (pt,))
        self.step("decrypt", decrypt, needs=["ct"])

        def encrypt_server_iv():
            params = dict(AES_CBC, random_iv=True)
            ct, iv = c().encrypt(plaintext, ctx["c"], params)
            expect(isinstance(iv, bytes) and len(iv) == 16,
                   "Random IV requested, server returned IV %r" % (iv,))
            pt = c().decrypt(ct, ctx["c"], AES_CBC, iv)
            expect(pt == plaintext, "decrypt with the server's IV gave %r" % (pt,))
        self.step("encrypt + decrypt (server-generated IV)", encrypt_server_iv, needs=["c_active"])

        # Symmetric key registered by the client: known bytes.
        def register():
            ctx["r_key"] = os.urandom(32)
            ctx["r_name"] = unique("registered")
            ctx["r_alias"] = unique("alias")
            obj = pobjects.SymmetricKey(ALG.AES, 256, ctx["r_key"],
                                        masks=[MASK.ENCRYPT, MASK.DECRYPT], name=ctx["r_name"])
            obj.names.append(ctx["r_alias"])
            uid = c().register(obj)
            expect(isinstance(uid, str) and uid, "Register returned %r" % (uid,))
            names = self.attrs(uid, ["Name"]).get("Name", [])
            expect(sorted(names) == sorted([ctx["r_name"], ctx["r_alias"]]),
                   "registered with two Names, Get Attributes shows %r" % (names,))
            ctx["r"] = uid
            return uid
        self.step("register", register)

        def get():
            obj = c().get(ctx["r"])
            expect(isinstance(obj, pobjects.SymmetricKey), "Get returned a %s" % type(obj).__name__)
            expect(obj.value == ctx["r_key"], "Get returned other key bytes than registered")
            expect(obj.cryptographic_algorithm == ALG.AES and obj.cryptographic_length == 256,
                   "Get: %r/%r" % (obj.cryptographic_algorithm, obj.cryptographic_length))
        self.step("get", get, needs=["r"])

        def encrypt_known_answer():
            c().activate(ctx["r"])
            iv = os.urandom(16)
            ct, _ = c().encrypt(plaintext, ctx["r"], AES_CBC, iv)
            padder = sym_padding.PKCS7(128).padder()
            padded = padder.update(plaintext) + padder.finalize()
            enc = Cipher(algorithms.AES(ctx["r_key"]), modes.CBC(iv)).encryptor()
            want = enc.update(padded) + enc.finalize()
            expect(ct == want, "server AES-256-CBC-PKCS5 ciphertext differs from a local one")
            ctx["r_active"] = True
        self.step("encrypt (known answer on the registered key)", encrypt_known_answer,
                  needs=["r"])

        # HMAC.
        def register_hmac():
            ctx["h_key"] = os.urandom(32)
            obj = pobjects.SymmetricKey(ALG.HMAC_SHA256, 256, ctx["h_key"],
                                        masks=[MASK.MAC_GENERATE, MASK.MAC_VERIFY],
                                        name=unique("hmac"))
            ctx["h"] = c().register(obj)
            c().activate(ctx["h"])
            s = self.state(ctx["h"])
            expect(s == STATE.ACTIVE, "HMAC key state %r after Activate" % s)
        self.step("register + activate (HMAC-SHA256 key)", register_hmac)

        def mac():
            data = b"message to authenticate " + os.urandom(40)
            uid, tag = c().mac(data, ctx["h"], ALG.HMAC_SHA256)
            want = hmac.new(ctx["h_key"], data, hashlib.sha256).digest()
            expect(uid == ctx["h"], "MAC answered for %r" % (uid,))
            expect(tag == want, "MAC %s != local HMAC-SHA256 %s"
                   % ((tag or b"").hex(), want.hex()))
        self.step("mac", mac, needs=["h"])

        # RSA key pair.
        def create_key_pair():
            pub, priv = c().create_key_pair(
                ALG.RSA, 2048,
                public_name=unique("rsa-pub"), public_usage_mask=[MASK.VERIFY],
                private_name=unique("rsa-priv"), private_usage_mask=[MASK.SIGN])
            expect(isinstance(pub, str) and isinstance(priv, str) and pub != priv,
                   "Create Key Pair returned %r, %r" % (pub, priv))
            for uid, kind in ((pub, enums.ObjectType.PUBLIC_KEY),
                              (priv, enums.ObjectType.PRIVATE_KEY)):
                a = self.attrs(uid, ["Object Type", "Cryptographic Algorithm",
                                     "Cryptographic Length"])
                expect(a.get("Object Type") == [kind], "%s Object Type %r" % (uid, a.get("Object Type")))
                expect(a.get("Cryptographic Algorithm") == [ALG.RSA],
                       "%s algorithm %r" % (uid, a.get("Cryptographic Algorithm")))
                expect(a.get("Cryptographic Length") == [2048],
                       "%s length %r" % (uid, a.get("Cryptographic Length")))
            ctx["pub"], ctx["priv"] = pub, priv
        self.step("create_key_pair", create_key_pair)

        def activate_pair():
            c().activate(ctx["priv"])
            c().activate(ctx["pub"])
            for uid in (ctx["priv"], ctx["pub"]):
                s = self.state(uid)
                expect(s == STATE.ACTIVE, "%s state %r after Activate" % (uid, s))
            ctx["pair_active"] = True
        self.step("activate (key pair)", activate_pair, needs=["pub"])

        message = b"document to sign " + os.urandom(50)

        def sign():
            sig = c().sign(message, ctx["priv"], RSA_SHA256_PKCS1)
            expect(isinstance(sig, bytes) and len(sig) == 256,
                   "RSA-2048 signature of %d bytes" % len(sig or b""))
            ctx["sig"] = sig
        self.step("sign", sign, needs=["pair_active"])

        def verify_locally():
            obj = c().get(ctx["pub"])
            expect(isinstance(obj, pobjects.PublicKey), "Get returned a %s" % type(obj).__name__)
            key = serialization.load_der_public_key(obj.value)
            key.verify(ctx["sig"], message, asym_padding.PKCS1v15(), hashes.SHA256())
            return "public key as %s" % getattr(obj.key_format_type, "name", obj.key_format_type)
        self.step("get (public key) + verify the signature locally", verify_locally,
                  needs=["sig"])

        def signature_verify():
            v = c().signature_verify(message, ctx["sig"], ctx["pub"], RSA_SHA256_PKCS1)
            expect(v == enums.ValidityIndicator.VALID, "valid signature judged %r" % (v,))
        self.step("signature_verify (valid)", signature_verify, needs=["sig"])

        def signature_verify_flipped():
            bad = bytearray(ctx["sig"])
            bad[len(bad) // 2] ^= 0x01
            v = c().signature_verify(message, bytes(bad), ctx["pub"], RSA_SHA256_PKCS1)
            expect(v == enums.ValidityIndicator.INVALID, "flipped signature judged %r" % (v,))
        self.step("signature_verify (flipped bit is INVALID)", signature_verify_flipped,
                  needs=["sig"])

        # Re-key.
        def rekey():
            new = c().rekey(uid=ctx["c"])
            expect(isinstance(new, str) and new and new != ctx["c"], "Re-key returned %r" % (new,))
            a = self.attrs(new, ["Object Type", "Cryptographic Algorithm", "Cryptographic Length"])
            expect(a.get("Cryptographic Algorithm") == [ALG.AES]
                   and a.get("Cryptographic Length") == [256],
                   "new key is %r" % (a,))
            ctx["rekeyed"] = new
            return new
        self.step("rekey", rekey, needs=["c_active"])

        def rekey_links():
            old_links, note = self.links(ctx["c"])
            new_links, _ = self.links(ctx["rekeyed"])
            expect((enums.LinkType.REPLACEMENT_OBJECT_LINK.value, ctx["rekeyed"]) in old_links,
                   "old key links %r lack Replacement Object Link -> new" % (old_links,))
            expect((enums.LinkType.REPLACED_OBJECT_LINK.value, ctx["c"]) in new_links,
                   "new key links %r lack Replaced Object Link -> old" % (new_links,))
            return note
        self.step("rekey (links between old and new key)", rekey_links, needs=["rekeyed"])

        # Derive Key (HMAC-SHA256 over the derivation data with a registered key).
        def derive_key():
            base = os.urandom(32)
            data = b"derivation data " + os.urandom(16)
            refused = None
            try:
                base_uid = c().register(pobjects.SymmetricKey(
                    ALG.HMAC_SHA256, 256, base, masks=[MASK.DERIVE_KEY],
                    name=unique("derive-base")))
            except pie_exceptions.KmipOperationFailure as e:
                # Still send Derive Key, on a key without Derive Key usage, to see the answer.
                refused = describe(e)
                base_uid = c().register(pobjects.SymmetricKey(
                    ALG.HMAC_SHA256, 256, base, masks=[MASK.MAC_GENERATE],
                    name=unique("derive-base")))
            c().activate(base_uid)
            if refused:
                try:
                    c().derive_key(
                        enums.ObjectType.SYMMETRIC_KEY, [base_uid], enums.DerivationMethod.HMAC,
                        {"cryptographic_parameters":
                            {"hashing_algorithm": enums.HashingAlgorithm.SHA_256},
                         "derivation_data": data},
                        cryptographic_length=256, cryptographic_algorithm=ALG.AES)
                    answer = "succeeded"
                except Exception as e:  # noqa: BLE001
                    answer = describe(e)
                raise StepFailed("Register of a base key with Derive Key usage refused (%s); "
                                 "Derive Key on a MAC key then answered: %s" % (refused, answer))
            uid = c().derive_key(
                enums.ObjectType.SYMMETRIC_KEY, [base_uid], enums.DerivationMethod.HMAC,
                {"cryptographic_parameters": {"hashing_algorithm": enums.HashingAlgorithm.SHA_256},
                 "derivation_data": data},
                cryptographic_length=256, cryptographic_algorithm=ALG.AES)
            expect(isinstance(uid, str) and uid, "Derive Key returned %r" % (uid,))
            derived = c().get(uid)
            want = hmac.new(base, data, hashlib.sha256).digest()
            expect(derived.value == want, "derived key != HMAC-SHA256(base key, derivation data)")
        self.step("derive_key", derive_key)

        # Attribute changes on the registered key (Names: r_name, r_alias).
        def modify_attribute():
            new_name = unique("renamed")
            if self.is2:
                c().modify_attribute(
                    unique_identifier=ctx["r"],
                    current_attribute=cobjects.CurrentAttribute(self.name_value(ctx["r_name"])),
                    new_attribute=cobjects.NewAttribute(self.name_value(new_name)))
            else:
                uid, attr = c().modify_attribute(
                    unique_identifier=ctx["r"],
                    attribute=self.factory.create_attribute(enums.AttributeType.NAME, new_name,
                                                            index=0))
                expect(uid == ctx["r"], "Modify Attribute answered for %r" % (uid,))
                expect(attr is not None and pyval(attr.attribute_value) == new_name,
                       "Modify Attribute answered attribute %r" % (attr,))
            names = self.attrs(ctx["r"], ["Name"]).get("Name", [])
            expect(sorted(names) == sorted([new_name, ctx["r_alias"]]),
                   "Names after Modify: %r" % (names,))
            found = c().locate(attributes=[self.name_attr(new_name)])
            expect(found == [ctx["r"]], "Locate by the new Name found %r" % (found,))
            ctx["r_name"] = new_name
        self.step("modify_attribute", modify_attribute, needs=["r"])

        def set_attribute():
            value = "secops-%s@example.org" % uuid.uuid4().hex[:6]
            if not self.is2:
                try:
                    c().set_attribute(unique_identifier=ctx["r"],
                                      attribute_name="Contact Information",
                                      attribute_value=value)
                except core_exceptions.VersionNotSupported as e:
                    raise Skip("Set Attribute is a KMIP 2.0 operation; PyKMIP refuses to encode "
                               "it for KMIP %s (%s), nothing was sent" % (self.args.version, e))
                raise StepFailed("PyKMIP sent Set Attribute with KMIP %s" % self.args.version)
            uid = c().set_attribute(unique_identifier=ctx["r"],
                                    attribute_name="Contact Information", attribute_value=value)
            expect(uid == ctx["r"], "Set Attribute answered for %r" % (uid,))
            got = self.attrs(ctx["r"], ["Contact Information"]).get("Contact Information")
            expect(got == [value], "Contact Information after Set: %r" % (got,))
            ctx["contact"] = value
        self.step("set_attribute", set_attribute, needs=["r"])

        def delete_attribute():
            if self.is2:
                c().delete_attribute(
                    unique_identifier=ctx["r"],
                    current_attribute=cobjects.CurrentAttribute(self.name_value(ctx["r_alias"])))
            else:
                uid, attr = c().delete_attribute(unique_identifier=ctx["r"],
                                                 attribute_name="Name", attribute_index=1)
                expect(uid == ctx["r"], "Delete Attribute answered for %r" % (uid,))
                expect(attr is not None and pyval(attr.attribute_value) == ctx["r_alias"],
                       "Delete Attribute answered attribute %r (want the deleted alias)" % (attr,))
            names = self.attrs(ctx["r"], ["Name"]).get("Name", [])
            expect(names == [ctx["r_name"]], "Names after Delete: %r" % (names,))
        self.step("delete_attribute", delete_attribute, needs=["r"])

        if self.is2:
            def delete_by_reference():
                c().delete_attribute(
                    unique_identifier=ctx["r"],
                    attribute_reference=cobjects.AttributeReference(
                        vendor_identification="", attribute_name="Contact Information"))
                got = self.attrs(ctx["r"], ["Contact Information"]).get("Contact Information")
                expect(not got, "Contact Information after Delete: %r" % (got,))
            self.step("delete_attribute (by attribute reference)", delete_by_reference,
                      needs=["contact"])

        # Revoke and Destroy: state changes seen by Get Attributes.
        def destroy_active_refused():
            try:
                c().destroy(ctx["r"])
            except pie_exceptions.KmipOperationFailure as e:
                expect(self.state(ctx["r"]) == STATE.ACTIVE, "state changed by a refused Destroy")
                return "refused: %s" % e.reason.name
            raise StepFailed("Destroy of an Active key succeeded")
        self.step("destroy (an active key is refused)", destroy_active_refused, needs=["r_active"])

        def revoke():
            c().revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, ctx["r"],
                       revocation_message="interop test done")
            s = self.state(ctx["r"])
            expect(s == STATE.DEACTIVATED, "State after Revoke (cessation) is %r" % s)
            ctx["r_revoked"] = True
        self.step("revoke", revoke, needs=["r_active"])

        def revoke_compromise():
            c().revoke(enums.RevocationReasonCode.KEY_COMPROMISE, ctx["h"],
                       compromise_occurrence_date=1_700_000_000)
            s = self.state(ctx["h"])
            expect(s == STATE.COMPROMISED, "State after Revoke (key compromise) is %r" % s)
            ctx["h_revoked"] = True
        self.step("revoke (key compromise)", revoke_compromise, needs=["h"])

        def destroyed_state(uid, want):
            s = self.state(uid)
            expect(s == want, "State after Destroy is %r, want %r" % (s, want))
            try:
                c().get(uid)
            except pie_exceptions.KmipOperationFailure:
                return
            raise StepFailed("Get of a destroyed key still returned it")

        def destroy():
            c().destroy(ctx["r"])
            destroyed_state(ctx["r"], STATE.DESTROYED)
        self.step("destroy", destroy, needs=["r_revoked"])

        def destroy_compromised():
            c().destroy(ctx["h"])
            destroyed_state(ctx["h"], STATE.DESTROYED_COMPROMISED)
        self.step("destroy (compromised key)", destroy_compromised, needs=["h_revoked"])

        def destroy_pre_active():
            uid = c().create(ALG.AES, 256, name=unique("short-lived"))
            c().destroy(uid)
            destroyed_state(uid, STATE.DESTROYED)
        self.step("destroy (pre-active key)", destroy_pre_active)

    def summary(self):
        counts = {s: sum(1 for r in self.results if r[0] == s) for s in ("PASS", "FAIL", "SKIP")}
        print("PyKMIP interop, KMIP %s: %d PASS / %d FAIL / %d SKIP"
              % (self.args.version, counts["PASS"], counts["FAIL"], counts["SKIP"]))
        return counts["FAIL"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", required=True, type=int)
    p.add_argument("--cert", required=True, help="client certificate (PEM)")
    p.add_argument("--key", required=True, help="client private key (PEM)")
    p.add_argument("--ca", required=True, help="CA that signed the server certificate (PEM)")
    p.add_argument("--version", required=True, choices=sorted(VERSIONS))
    p.add_argument("--ssl-version", default="PROTOCOL_TLS",
                   help="name of the ssl module protocol constant PyKMIP uses: PROTOCOL_TLS "
                        "(TLS 1.3 or 1.2) or PROTOCOL_TLSv1_2; not PROTOCOL_TLS_CLIENT, which "
                        "checks host names and PyKMIP passes none")
    p.add_argument("--debug", action="store_true", help="log PyKMIP (and its TTLV) at DEBUG")
    args = p.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.ERROR,
                        format="    [%(name)s] %(message)s", stream=sys.stdout)
    if args.debug:
        for name in ("kmip", "kmip.services.kmip_protocol"):
            logging.getLogger(name).setLevel(logging.DEBUG)
    Wire.install()
    interop = Interop(args)
    try:
        interop.connect()
    except Exception as e:  # noqa: BLE001
        print("FAIL connect: %s" % describe(e))
        print("PyKMIP interop, KMIP %s: could not connect" % args.version)
        return 2
    sock = getattr(interop.client.proxy, "socket", None)
    tls = sock.version() if sock is not None else "?"
    print("PASS connect (%s:%d, KMIP %s, %s negotiated %s)"
          % (args.host, args.port, args.version, args.ssl_version, tls))
    try:
        interop.run()
    finally:
        try:
            interop.client.close()
        except Exception:  # noqa: BLE001
            pass
    return 1 if interop.summary() else 0


if __name__ == "__main__":
    sys.exit(main())
