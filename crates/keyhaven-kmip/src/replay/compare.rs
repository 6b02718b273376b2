//! The comparison of an actual response with the expected one (see the parent module's
//! documentation for the rules).

use super::*;

/// Facts about one batch item that the tolerances depend on.
#[derive(Clone, Debug, Default)]
pub(super) struct ItemInfo {
    pub(super) op: String,
    /// The object the item works on (None: not made by this test case).
    pub(super) object: Option<ObjectInfo>,
    pub(super) mode: Option<String>,
    pub(super) padding: Option<String>,
    pub(super) random_iv: bool,
    pub(super) request_iv: bool,
    pub(super) data_from_server: bool,
    pub(super) requested_attributes: usize,
    pub(super) seed_len: usize,
    pub(super) wrapped: bool,
    pub(super) wrapping_registered: bool,
}

impl ItemInfo {
    pub(super) fn key_registered(&self) -> bool {
        self.object.as_ref().is_some_and(|o| !o.generated)
    }

    pub(super) fn material_known(&self) -> bool {
        self.key_registered() && (!self.wrapped || self.wrapping_registered)
    }

    pub(super) fn object_type(&self) -> Option<&str> {
        self.object.as_ref().and_then(|o| o.object_type.as_deref())
    }

    pub(super) fn symmetric(&self) -> bool {
        self.object_type() == Some("SymmetricKey")
    }

    pub(super) fn fixed_size_material(&self) -> bool {
        matches!(self.object_type(), Some("SymmetricKey" | "SecretData"))
    }

    pub(super) fn rsa(&self) -> bool {
        self.object
            .as_ref()
            .and_then(|o| o.algorithm.as_deref())
            .is_some_and(|a| squash(a) == "RSA")
    }

    pub(super) fn iv_free_mode(&self) -> bool {
        self.mode.as_deref().is_some_and(|m| {
            matches!(
                squash(m).as_str(),
                "ECB"
                    | "NISTKEYWRAP"
                    | "AESKEYWRAPPADDING"
                    | "NISTKEYWRAPPADDING"
                    | "X9102AESKW"
                    | "X9102TDKW"
                    | "X9102AKW1"
                    | "X9102AKW2"
            )
        })
    }

    pub(super) fn encrypt_deterministic(&self) -> bool {
        self.key_registered()
            && self.symmetric()
            && !self.random_iv
            && (self.request_iv || self.iv_free_mode())
    }

    pub(super) fn decrypt_deterministic(&self) -> bool {
        self.key_registered() || self.data_from_server
    }

    pub(super) fn sign_deterministic(&self) -> bool {
        self.key_registered()
            && self.rsa()
            && self
                .padding
                .as_deref()
                .is_some_and(|p| squash(p) == "PKCS1V15")
    }
}

/// What a tolerance still requires.
#[derive(Clone, Copy, Debug)]
pub(super) enum Check {
    Any,
    SameLength,
    AtMost(usize),
}

impl Check {
    pub(super) fn accepts(self, want: &Value, got: &Value) -> Result<(), String> {
        match self {
            Check::Any => Ok(()),
            Check::SameLength => match (want, got) {
                (Value::ByteString(w), Value::ByteString(g))
                | (Value::BigInteger(w), Value::BigInteger(g)) => {
                    if w.len() == g.len() {
                        Ok(())
                    } else {
                        Err(format!("expected {} bytes, got {} bytes", w.len(), g.len()))
                    }
                }
                _ if want == got => Ok(()),
                _ => Err("the values differ".to_owned()),
            },
            Check::AtMost(n) => match got {
                Value::Integer(v) if usize::try_from(*v).is_ok_and(|v| v <= n) => Ok(()),
                Value::Integer(v) => Err(format!("expected a value from 0 to {n}, got {v}")),
                _ => Err("expected an Integer".to_owned()),
            },
        }
    }
}

/// Where in the expected response the comparison is.
#[derive(Clone, Copy, Default)]
pub(super) struct Cx<'a> {
    pub(super) item: Option<&'a ItemInfo>,
    pub(super) in_payload: bool,
    /// Comparing the direct children of a ResponsePayload.
    pub(super) at_payload: bool,
    pub(super) in_digest: bool,
    pub(super) in_key_value: bool,
    /// For an AttributeValue: the attribute's tag.
    pub(super) lookup: Option<u32>,
}

impl<'a> Cx<'a> {
    /// The context of `child` (of a parent whose AttributeName names `attribute`).
    pub(super) fn enter(&self, child: &XmlNode, attribute: Option<u32>) -> Cx<'a> {
        let mut c = *self;
        c.lookup = None;
        c.at_payload = false;
        match child.name.as_str() {
            "ResponsePayload" => {
                c.in_payload = true;
                c.at_payload = true;
            }
            "Digest" => c.in_digest = true,
            "KeyValue" => c.in_key_value = true,
            "AttributeValue" => {
                c.lookup = attribute;
                if attribute.is_some_and(|t| is(t, "Digest")) {
                    c.in_digest = true;
                }
            }
            _ => {}
        }
        c
    }
}

pub(super) struct Mark(usize, usize, usize);

pub(super) struct Cmp<'r> {
    pub(super) exchange: usize,
    pub(super) bindings: &'r Bindings,
    pub(super) window: i64,
    pub(super) objects: &'r HashMap<String, ObjectInfo>,
    pub(super) client_offsets: &'r BTreeSet<i64>,
    pub(super) used_operations: &'r BTreeSet<String>,
    pub(super) used_object_types: &'r BTreeSet<String>,
    pub(super) pending: Vec<(String, Value)>,
    pub(super) tolerated: Vec<Tolerated>,
    pub(super) substitutions: Vec<(Learnt, Vec<u8>)>,
    pub(super) new_objects: HashMap<String, ObjectInfo>,
}

impl Cmp<'_> {
    pub(super) fn diff(&self, path: &str, message: impl Into<String>) -> Difference {
        Difference {
            exchange: self.exchange,
            path: path.to_owned(),
            message: message.into(),
        }
    }

    pub(super) fn note(&mut self, rule: Rule, path: &str) {
        self.tolerated.push(Tolerated {
            exchange: self.exchange,
            rule,
            path: path.to_owned(),
        });
    }

    pub(super) fn mark(&self) -> Mark {
        Mark(
            self.pending.len(),
            self.tolerated.len(),
            self.substitutions.len(),
        )
    }

    pub(super) fn reset(&mut self, mark: Mark) {
        self.pending.truncate(mark.0);
        self.tolerated.truncate(mark.1);
        self.substitutions.truncate(mark.2);
    }

    pub(super) fn binding(&self, name: &str) -> Option<&Value> {
        self.pending
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .or_else(|| self.bindings.get(name))
    }

    pub(super) fn object(&self, uid: &str) -> Option<&ObjectInfo> {
        self.new_objects.get(uid).or_else(|| self.objects.get(uid))
    }

    /// The `$UNIQUE_IDENTIFIER_n` (other than `name`) already bound to `value`.
    pub(super) fn identifier_owner(&self, name: &str, value: &Value) -> Option<String> {
        let bound = self.bindings.values.iter().map(|(n, v)| (n.as_str(), v));
        let pending = self.pending.iter().map(|(n, v)| (n.as_str(), v));
        bound
            .chain(pending)
            .find(|(n, v)| n.starts_with("UNIQUE_IDENTIFIER") && *n != name && *v == value)
            .map(|(n, _)| n.to_owned())
    }

    pub(super) fn message(
        &mut self,
        e: &XmlNode,
        a: &Ttlv,
        sent: Option<&Sent>,
    ) -> Result<(), Difference> {
        let path = e.name.clone();
        if a.tag != e.tag {
            return Err(self.diff(
                &path,
                format!("expected a {}, got <{}>", e.name, tag_label(a.tag)),
            ));
        }
        let Value::Structure(actual_children) = &a.value else {
            return Err(self.diff(&path, "expected a Structure"));
        };
        for ac in actual_children {
            if !is(ac.tag, "ResponseHeader") && !is(ac.tag, "BatchItem") {
                return Err(self.diff(
                    &format!("{path}/{}", tag_label(ac.tag)),
                    "unexpected item in the response",
                ));
            }
        }
        if let Some(eh) = e.child("ResponseHeader") {
            let p = format!("{path}/ResponseHeader");
            match child(a, "ResponseHeader") {
                Some(ah) => self.header(eh, ah, &p)?,
                None => return Err(self.diff(&p, "missing from the response")),
            }
        }
        let expected_items: Vec<&XmlNode> = e.children_named("BatchItem").collect();
        let actual_items: Vec<&Ttlv> = actual_children
            .iter()
            .filter(|c| is(c.tag, "BatchItem"))
            .collect();
        if expected_items.len() != actual_items.len() {
            let statuses: Vec<String> = actual_items.iter().map(|a| status_summary(a)).collect();
            return Err(self.diff(
                &path,
                format!(
                    "expected {} batch items, got {} [{}]",
                    expected_items.len(),
                    actual_items.len(),
                    statuses.join(", ")
                ),
            ));
        }
        let request_items: Vec<&Ttlv> = sent
            .map(|s| {
                s.message
                    .children()
                    .iter()
                    .filter(|c| is(c.tag, "BatchItem"))
                    .collect()
            })
            .unwrap_or_default();
        let mut previous_uid: Option<String> = None;
        for (b, (ei, ai)) in expected_items.iter().zip(actual_items.iter()).enumerate() {
            let p = format!("{path}/BatchItem[{b}]");
            let index = request_index(ei, &request_items, b);
            let rq = request_items.get(index).copied();
            let from_server = sent
                .and_then(|s| s.data_from_server.get(index))
                .copied()
                .unwrap_or(false);
            let info = self.item_info(ei, ai, rq, from_server, previous_uid.as_deref());
            let result = self.batch_item(ei, ai, &p, &info);
            self.learn_objects(&info, rq, ai);
            if let Some(uid) =
                child(ai, "ResponsePayload").and_then(|p| child_text(p, "UniqueIdentifier"))
            {
                previous_uid = Some(uid.to_owned());
            }
            result?;
        }
        Ok(())
    }

    pub(super) fn header(&mut self, e: &XmlNode, a: &Ttlv, path: &str) -> Result<(), Difference> {
        let Value::Structure(actual_children) = &a.value else {
            return Err(self.diff(path, "expected a Structure"));
        };
        for ec in &e.children {
            let p = format!("{path}/{}", ec.name);
            match ec.name.as_str() {
                "ProtocolVersion" | "BatchCount" | "TimeStamp" => {
                    let Some(ac) = actual_children.iter().find(|c| c.tag == ec.tag) else {
                        return Err(self.diff(&p, "missing from the response"));
                    };
                    self.node(ec, ac, &p, &Cx::default())?;
                }
                _ => self.note(Rule::HeaderExtras, &p),
            }
        }
        for ac in actual_children {
            if !e.children.iter().any(|ec| ec.tag == ac.tag) {
                let p = format!("{path}/{}", tag_label(ac.tag));
                self.note(Rule::HeaderExtras, &p);
            }
        }
        Ok(())
    }

    pub(super) fn batch_item(
        &mut self,
        e: &XmlNode,
        a: &Ttlv,
        path: &str,
        info: &ItemInfo,
    ) -> Result<(), Difference> {
        let Value::Structure(actual_children) = &a.value else {
            return Err(self.diff(path, "expected a Structure"));
        };
        if let Some(es) = e.child("ResultStatus") {
            let p = format!("{path}/ResultStatus");
            let Some(status) = actual_children.iter().find(|c| c.tag == es.tag) else {
                return Err(self.diff(&p, "missing from the response"));
            };
            let want = xml::convert_value(es, es.tag, self.bindings).map_err(|err| {
                self.diff(&p, format!("the expected value cannot be read: {err}"))
            })?;
            if want != status.value {
                let message = format!(
                    "expected {}, got {}",
                    show(es.tag, es.tag, &want),
                    status_summary(a)
                );
                return Err(self.diff(&p, message));
            }
        }
        let cx = Cx {
            item: Some(info),
            ..Cx::default()
        };
        let expected: Vec<&XmlNode> = e.children.iter().collect();
        let actual: Vec<&Ttlv> = actual_children.iter().collect();
        self.ordered(&expected, None, &actual, path, &cx)
    }

    /// Compares children in order; `attribute` is the tag named by the expected parent's
    /// AttributeName (for AttributeValue), `cx` the parent's context.
    pub(super) fn ordered(
        &mut self,
        expected: &[&XmlNode],
        attribute: Option<u32>,
        actual: &[&Ttlv],
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in expected {
            *counts.entry(e.name.as_str()).or_insert(0) += 1;
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut ai = 0usize;
        for e in expected {
            let k = seen.entry(e.name.as_str()).or_insert(0);
            let p = if counts.get(e.name.as_str()).copied().unwrap_or(0) > 1 {
                format!("{path}/{}[{k}]", e.name)
            } else {
                format!("{path}/{}", e.name)
            };
            *k += 1;
            let child_cx = cx.enter(e, attribute);
            loop {
                match actual.get(ai) {
                    Some(a) if a.tag == e.tag => {
                        self.node(e, a, &p, &child_cx)?;
                        ai += 1;
                        break;
                    }
                    Some(a) => {
                        if let Some(rule) = self.extra_ok(a, cx) {
                            self.note(rule, &format!("{path}/{}", tag_label(a.tag)));
                            ai += 1;
                            continue;
                        }
                        if let Some(rule) = self.missing_ok(e, cx) {
                            self.note(rule, &p);
                            break;
                        }
                        return Err(self.diff(
                            &p,
                            format!("expected <{}>, got <{}>", e.name, tag_label(a.tag)),
                        ));
                    }
                    None => {
                        if let Some(rule) = self.missing_ok(e, cx) {
                            self.note(rule, &p);
                            break;
                        }
                        return Err(self.diff(
                            &p,
                            format!("missing from the response (expected {})", describe(e)),
                        ));
                    }
                }
            }
        }
        for a in actual.iter().skip(ai) {
            let p = format!("{path}/{}", tag_label(a.tag));
            match self.extra_ok(a, cx) {
                Some(rule) => self.note(rule, &p),
                None => {
                    return Err(self.diff(
                        &p,
                        format!("unexpected item in the response: {}", describe_item(a)),
                    ))
                }
            }
        }
        Ok(())
    }

    /// The rule that lets the expected `e` be absent, if any.
    pub(super) fn missing_ok(&self, e: &XmlNode, _cx: &Cx<'_>) -> Option<Rule> {
        match e.name.as_str() {
            "ResultMessage" => Some(Rule::ResultMessage),
            "ResponsePayload" if e.children.is_empty() => Some(Rule::EmptyPayload),
            "AttributeIndex" if matches!(e.text().trim(), "0" | "0x00000000") => {
                Some(Rule::AttributeIndexZero)
            }
            _ => None,
        }
    }

    /// The rule that lets the actual `a` be there although the file does not have it, if any.
    pub(super) fn extra_ok(&self, a: &Ttlv, cx: &Cx<'_>) -> Option<Rule> {
        let name = dict::tag_name(a.tag)?;
        match name {
            "ResultMessage" if cx.item.is_some() && !cx.in_payload => Some(Rule::ResultMessage),
            "ResponsePayload" if a.children().is_empty() => Some(Rule::EmptyPayload),
            "AttributeIndex" if a.value == Value::Integer(0) => Some(Rule::AttributeIndexZero),
            "TemplateAttribute" | "PrivateKeyTemplateAttribute" | "PublicKeyTemplateAttribute"
                if cx.at_payload
                    && cx.item.is_some_and(|i| {
                        matches!(
                            i.op.as_str(),
                            "Create"
                                | "CreateKeyPair"
                                | "Register"
                                | "ReKey"
                                | "ReKeyKeyPair"
                                | "DeriveKey"
                        )
                    }) =>
            {
                Some(Rule::ImplicitAttributes)
            }
            "LocatedItems" if cx.at_payload && cx.item.is_some_and(|i| i.op == "Locate") => {
                Some(Rule::LocatedItems)
            }
            _ => None,
        }
    }

    pub(super) fn node(
        &mut self,
        e: &XmlNode,
        a: &Ttlv,
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        if a.tag != e.tag {
            return Err(self.diff(
                path,
                format!("expected <{}>, got <{}>", e.name, tag_label(a.tag)),
            ));
        }
        if e.is_structure() {
            self.structure(e, a, path, cx)
        } else {
            self.leaf(e, a, path, cx)
        }
    }

    pub(super) fn structure(
        &mut self,
        e: &XmlNode,
        a: &Ttlv,
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        let Value::Structure(actual_children) = &a.value else {
            return Err(self.diff(
                path,
                format!("expected a Structure, got a {}", a.value.item_type().name()),
            ));
        };
        let actual: Vec<&Ttlv> = actual_children.iter().collect();
        if e.name == "ResponsePayload" {
            let op = cx.item.map_or("", |i| i.op.as_str());
            match op {
                "GetAttributes" => return self.get_attributes(e, &actual, path, cx),
                "GetAttributeList" => return self.get_attribute_list(e, &actual, path, cx),
                "Locate" => return self.locate(e, &actual, path, cx),
                "Query" => return self.query(e, &actual, path),
                _ => {}
            }
        }
        let expected: Vec<&XmlNode> = e.children.iter().collect();
        self.ordered(&expected, xml::attribute_context(e), &actual, path, cx)
    }

    pub(super) fn leaf(
        &mut self,
        e: &XmlNode,
        a: &Ttlv,
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        let kind = e.kind.unwrap_or(ItemType::Structure);
        let actual_kind = a.value.item_type();
        if actual_kind != kind {
            return Err(self.diff(
                path,
                format!("expected a {}, got a {}", kind.name(), actual_kind.name()),
            ));
        }
        let lookup = cx.lookup.unwrap_or(e.tag);
        match e.value.as_deref().and_then(xml::placeholder) {
            Some(Placeholder::Now(offset))
                if matches!(kind, ItemType::DateTime | ItemType::DateTimeExtended) =>
            {
                return self.now_leaf(offset, a, path);
            }
            Some(Placeholder::Named(name)) => return self.named_leaf(name, e, a, path, lookup),
            _ => {}
        }
        let want = xml::convert_value(e, lookup, self.bindings)
            .map_err(|err| self.diff(path, format!("the expected value cannot be read: {err}")))?;
        if want == a.value {
            return Ok(());
        }
        if let Some((rule, check)) = self.leaf_rule(e, cx) {
            if let Err(why) = check.accepts(&want, &a.value) {
                return Err(self.diff(path, format!("{why} (even under rule {rule})")));
            }
            self.note(rule, path);
            if let (Value::ByteString(w), Value::ByteString(g)) = (&want, &a.value) {
                if rule != Rule::GeneratedKeyDecrypt {
                    self.substitutions.push(((e.tag, w.clone()), g.clone()));
                }
            }
            return Ok(());
        }
        Err(self.diff(
            path,
            format!(
                "expected {}, got {}",
                show(e.tag, lookup, &want),
                show(a.tag, lookup, &a.value)
            ),
        ))
    }

    pub(super) fn now_leaf(&mut self, offset: i64, a: &Ttlv, path: &str) -> Result<(), Difference> {
        let want = self.bindings.now.saturating_add(offset);
        let got = match a.value {
            Value::DateTime(s) => s,
            Value::DateTimeExtended(us) => us.div_euclid(1_000_000),
            _ => return Err(self.diff(path, "expected a date")),
        };
        let label = if offset == 0 {
            "$NOW".to_owned()
        } else {
            format!("$NOW{offset:+}")
        };
        if got == want {
            return Ok(());
        }
        if offset != 0 && self.client_offsets.contains(&offset) {
            return Err(self.diff(
                path,
                format!(
                    "expected {label} = {} (set by the client), got {}",
                    xml::format_date_time(want),
                    xml::format_date_time(got)
                ),
            ));
        }
        if got.abs_diff(want) <= self.window.unsigned_abs() {
            self.note(Rule::NowWindow, path);
            return Ok(());
        }
        Err(self.diff(
            path,
            format!(
                "expected {label} = {} within {} s, got {}",
                xml::format_date_time(want),
                self.window,
                xml::format_date_time(got)
            ),
        ))
    }

    pub(super) fn named_leaf(
        &mut self,
        name: &str,
        e: &XmlNode,
        a: &Ttlv,
        path: &str,
        lookup: u32,
    ) -> Result<(), Difference> {
        if let Some(v) = self.binding(name) {
            if *v == a.value {
                return Ok(());
            }
            let message = format!(
                "expected ${name} = {}, got {}",
                show(e.tag, lookup, v),
                show(a.tag, lookup, &a.value)
            );
            return Err(self.diff(path, message));
        }
        if name.starts_with("UNIQUE_IDENTIFIER") {
            if let Some(other) = self.identifier_owner(name, &a.value) {
                return Err(self.diff(
                    path,
                    format!(
                        "the server returned for ${name} the identifier {} it returned for ${other}",
                        show(a.tag, lookup, &a.value)
                    ),
                ));
            }
        }
        self.pending.push((name.to_owned(), a.value.clone()));
        Ok(())
    }

    /// The tolerance for a leaf that differs, if any.
    pub(super) fn leaf_rule(&self, e: &XmlNode, cx: &Cx<'_>) -> Option<(Rule, Check)> {
        let name = e.name.as_str();
        if name == "ResultMessage" {
            return Some((Rule::ResultMessage, Check::Any));
        }
        let info = cx.item?;
        if !cx.in_payload {
            return None;
        }
        if cx.in_digest {
            if info.key_registered() {
                return None;
            }
            return match name {
                "DigestValue" => Some((Rule::GeneratedDigest, Check::SameLength)),
                "KeyFormatType" => Some((Rule::GeneratedDigest, Check::Any)),
                _ => None,
            };
        }
        if cx.in_key_value || name == "KeyValue" {
            if info.material_known()
                || !matches!(e.kind, Some(ItemType::ByteString | ItemType::BigInteger))
            {
                return None;
            }
            let check = if info.fixed_size_material() && !info.wrapped {
                Check::SameLength
            } else {
                Check::Any
            };
            return Some((Rule::GeneratedKeyMaterial, check));
        }
        match (info.op.as_str(), name) {
            ("Encrypt", "Data" | "AuthenticatedEncryptionTag") if !info.encrypt_deterministic() => {
                Some((Rule::NondeterministicEncrypt, Check::SameLength))
            }
            ("Encrypt", "IVCounterNonce") if !info.request_iv => {
                Some((Rule::ServerIv, Check::SameLength))
            }
            (
                "Encrypt" | "Decrypt" | "Sign" | "SignatureVerify" | "MAC" | "MACVerify",
                "CorrelationValue",
            ) => Some((Rule::StreamCorrelation, Check::Any)),
            ("Decrypt", "Data") if !info.decrypt_deterministic() => {
                Some((Rule::GeneratedKeyDecrypt, Check::SameLength))
            }
            ("Sign", "SignatureData") if !info.sign_deterministic() => {
                let check = if info.rsa() {
                    Check::SameLength
                } else {
                    Check::Any
                };
                Some((Rule::NondeterministicSignature, check))
            }
            ("MAC", "MACData") if !info.key_registered() => {
                Some((Rule::GeneratedKeyMac, Check::SameLength))
            }
            ("RNGRetrieve", "Data") => Some((Rule::RandomNumber, Check::SameLength)),
            ("RNGSeed", "DataLength") => {
                Some((Rule::RngSeedAccepted, Check::AtMost(info.seed_len)))
            }
            _ => None,
        }
    }

    pub(super) fn get_attributes(
        &mut self,
        e: &XmlNode,
        actual: &[&Ttlv],
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        let set_names = ["Attribute", "Attributes"];
        let plain_expected: Vec<&XmlNode> = e
            .children
            .iter()
            .filter(|c| !set_names.contains(&c.name.as_str()))
            .collect();
        let plain_actual: Vec<&Ttlv> = actual
            .iter()
            .copied()
            .filter(|a| !set_names.iter().any(|n| is(a.tag, n)))
            .collect();
        self.ordered(&plain_expected, None, &plain_actual, path, cx)?;
        let all = cx.item.is_some_and(|i| i.requested_attributes == 0);

        // KMIP 1.x: Attribute items.
        let expected_v1: Vec<&XmlNode> = e.children_named("Attribute").collect();
        let actual_v1: Vec<&Ttlv> = actual
            .iter()
            .copied()
            .filter(|a| is(a.tag, "Attribute"))
            .collect();
        self.attribute_set(&expected_v1, &actual_v1, path, cx, all)?;

        // KMIP 2.x: the children of Attributes.
        let p = format!("{path}/Attributes");
        let actual_v2 = actual.iter().copied().find(|a| is(a.tag, "Attributes"));
        match (e.child("Attributes"), actual_v2) {
            (Some(ea), Some(aa)) => {
                let expected: Vec<&XmlNode> = ea.children.iter().collect();
                let actual: Vec<&Ttlv> = aa.children().iter().collect();
                self.attribute_set(&expected, &actual, &p, &cx.enter(ea, None), all)?;
            }
            (Some(ea), None) => {
                if ea
                    .children
                    .iter()
                    .all(|c| is_policy_attribute(&attribute_key_xml(c)))
                {
                    self.note(Rule::ServerPolicyAttributes, &p);
                } else {
                    return Err(self.diff(&p, "missing from the response"));
                }
            }
            (None, Some(aa)) => {
                if aa.children().is_empty() || all {
                    self.note(Rule::AllAttributes, &p);
                } else {
                    return Err(self.diff(&p, "unexpected attributes in the response"));
                }
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Compares attributes as a multiset.
    pub(super) fn attribute_set(
        &mut self,
        expected: &[&XmlNode],
        actual: &[&Ttlv],
        path: &str,
        cx: &Cx<'_>,
        all: bool,
    ) -> Result<(), Difference> {
        let mut used = vec![false; actual.len()];
        let mut last: Option<usize> = None;
        let mut reordered = false;
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in expected {
            *counts.entry(e.name.as_str()).or_insert(0) += 1;
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for e in expected {
            let key = attribute_key_xml(e);
            let k = seen.entry(e.name.as_str()).or_insert(0);
            let p = if counts.get(e.name.as_str()).copied().unwrap_or(0) > 1 {
                format!("{path}/{}[{k}]", e.name)
            } else {
                format!("{path}/{}", e.name)
            };
            *k += 1;
            let child_cx = cx.enter(e, None);
            let mut first_error = None;
            let mut matched = None;
            for (j, a) in actual.iter().enumerate() {
                if used.get(j).copied().unwrap_or(true) || attribute_key_ttlv(a) != key {
                    continue;
                }
                let mark = self.mark();
                match self.node(e, a, &p, &child_cx) {
                    Ok(()) => {
                        matched = Some(j);
                        break;
                    }
                    Err(d) => {
                        self.reset(mark);
                        first_error.get_or_insert(d);
                    }
                }
            }
            match matched {
                Some(j) => {
                    if let Some(u) = used.get_mut(j) {
                        *u = true;
                    }
                    if last.is_some_and(|l| j < l) {
                        reordered = true;
                    }
                    last = Some(j);
                }
                None if is_policy_attribute(&key) => self.note(Rule::ServerPolicyAttributes, &p),
                None => {
                    return Err(first_error.unwrap_or_else(|| {
                        self.diff(
                            &p,
                            format!("attribute \"{key}\" is missing from the response"),
                        )
                    }))
                }
            }
        }
        if reordered {
            self.note(Rule::AttributeOrder, path);
        }
        for (j, a) in actual.iter().enumerate() {
            if used.get(j).copied().unwrap_or(true) {
                continue;
            }
            let key = attribute_key_ttlv(a);
            let p = format!("{path}/{}", tag_label(a.tag));
            if all {
                self.note(Rule::AllAttributes, &p);
            } else if is_policy_attribute(&key) {
                self.note(Rule::ServerPolicyAttributes, &p);
            } else {
                return Err(self.diff(
                    &p,
                    format!("unexpected attribute \"{key}\" in the response"),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn get_attribute_list(
        &mut self,
        e: &XmlNode,
        actual: &[&Ttlv],
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        let list_names = ["AttributeName", "AttributeReference"];
        let plain_expected: Vec<&XmlNode> = e
            .children
            .iter()
            .filter(|c| !list_names.contains(&c.name.as_str()))
            .collect();
        let plain_actual: Vec<&Ttlv> = actual
            .iter()
            .copied()
            .filter(|a| !list_names.iter().any(|n| is(a.tag, n)))
            .collect();
        self.ordered(&plain_expected, None, &plain_actual, path, cx)?;

        let expected: Vec<&XmlNode> = e
            .children
            .iter()
            .filter(|c| list_names.contains(&c.name.as_str()))
            .collect();
        let actual: Vec<&Ttlv> = actual
            .iter()
            .copied()
            .filter(|a| list_names.iter().any(|n| is(a.tag, n)))
            .collect();
        let mut used = vec![false; actual.len()];
        let mut last: Option<usize> = None;
        let mut reordered = false;
        for (k, e) in expected.iter().enumerate() {
            let p = format!("{path}/{}[{k}]", e.name);
            let child_cx = cx.enter(e, None);
            let mut matched = None;
            for (j, a) in actual.iter().enumerate() {
                if used.get(j).copied().unwrap_or(true) || a.tag != e.tag {
                    continue;
                }
                let mark = self.mark();
                if self.node(e, a, &p, &child_cx).is_ok() {
                    matched = Some(j);
                    break;
                }
                self.reset(mark);
            }
            match matched {
                Some(j) => {
                    if let Some(u) = used.get_mut(j) {
                        *u = true;
                    }
                    if last.is_some_and(|l| j < l) {
                        reordered = true;
                    }
                    last = Some(j);
                }
                None if is_policy_attribute(e.text()) => {
                    self.note(Rule::ServerPolicyAttributes, &p);
                }
                None => {
                    return Err(self.diff(
                        &p,
                        format!("\"{}\" is missing from the attribute list", e.text()),
                    ))
                }
            }
        }
        if reordered {
            self.note(Rule::AttributeOrder, path);
        }
        if used.iter().any(|u| !u) {
            self.note(Rule::AttributeListSubset, path);
        }
        Ok(())
    }

    pub(super) fn locate(
        &mut self,
        e: &XmlNode,
        actual: &[&Ttlv],
        path: &str,
        cx: &Cx<'_>,
    ) -> Result<(), Difference> {
        let plain_expected: Vec<&XmlNode> = e
            .children
            .iter()
            .filter(|c| c.name != "UniqueIdentifier")
            .collect();
        let plain_actual: Vec<&Ttlv> = actual
            .iter()
            .copied()
            .filter(|a| !is(a.tag, "UniqueIdentifier"))
            .collect();
        self.ordered(&plain_expected, None, &plain_actual, path, cx)?;

        let expected: Vec<&XmlNode> = e.children_named("UniqueIdentifier").collect();
        let actual: Vec<&Ttlv> = actual
            .iter()
            .copied()
            .filter(|a| is(a.tag, "UniqueIdentifier"))
            .collect();
        let p = format!("{path}/UniqueIdentifier");
        if expected.len() != actual.len() {
            let got: Vec<String> = actual
                .iter()
                .map(|a| show(a.tag, a.tag, &a.value))
                .collect();
            return Err(self.diff(
                &p,
                format!(
                    "expected {} identifiers, got {} [{}]",
                    expected.len(),
                    actual.len(),
                    got.join(", ")
                ),
            ));
        }
        let mut remaining: Vec<(usize, &Ttlv)> = actual.iter().copied().enumerate().collect();
        let mut unbound: Vec<(usize, &XmlNode)> = Vec::new();
        let mut reordered = false;
        for (k, e) in expected.iter().enumerate() {
            let want = match e.value.as_deref().and_then(xml::placeholder) {
                Some(Placeholder::Named(name)) => match self.binding(name) {
                    Some(v) => v.clone(),
                    None => {
                        unbound.push((k, e));
                        continue;
                    }
                },
                _ => xml::convert_value(e, e.tag, self.bindings).map_err(|err| {
                    self.diff(&p, format!("the expected value cannot be read: {err}"))
                })?,
            };
            match remaining.iter().position(|(_, a)| a.value == want) {
                Some(pos) => {
                    let (j, _) = remaining.remove(pos);
                    reordered |= j != k;
                }
                None => {
                    return Err(self.diff(
                        &format!("{p}[{k}]"),
                        format!(
                            "identifier {} ({}) is not in the response",
                            show(e.tag, e.tag, &want),
                            e.text()
                        ),
                    ))
                }
            }
        }
        for (k, e) in unbound {
            if remaining.is_empty() {
                break;
            }
            let (j, a) = remaining.remove(0);
            reordered |= j != k;
            self.node(e, a, &format!("{p}[{k}]"), &cx.enter(e, None))?;
        }
        if reordered {
            self.note(Rule::LocateOrder, &p);
        }
        Ok(())
    }

    pub(super) fn query(
        &mut self,
        e: &XmlNode,
        actual: &[&Ttlv],
        path: &str,
    ) -> Result<(), Difference> {
        for (list, used) in [
            ("Operation", self.used_operations),
            ("ObjectType", self.used_object_types),
        ] {
            let p = format!("{path}/{list}");
            let listed: Vec<&Value> = actual
                .iter()
                .filter(|a| is(a.tag, list))
                .map(|a| &a.value)
                .collect();
            let mut expected_values = Vec::new();
            for c in e.children_named(list) {
                let want = xml::convert_value(c, c.tag, self.bindings).map_err(|err| {
                    self.diff(&p, format!("the expected value cannot be read: {err}"))
                })?;
                if used.contains(c.text()) && !listed.contains(&&want) {
                    return Err(self.diff(
                        &p,
                        format!(
                            "the server does not list {list} {}, which this test case uses",
                            c.text()
                        ),
                    ));
                }
                expected_values.push(want);
            }
            let same = expected_values.len() == listed.len()
                && expected_values.iter().all(|v| listed.contains(&v));
            if !same {
                self.note(Rule::QueryLists, &p);
            }
        }
        let other = |name: &str| name != "Operation" && name != "ObjectType";
        if e.children.iter().any(|c| other(&c.name))
            || actual
                .iter()
                .any(|a| other(dict::tag_name(a.tag).unwrap_or("")))
        {
            self.note(Rule::QueryInformation, path);
        }
        Ok(())
    }

    pub(super) fn item_info(
        &self,
        e: &XmlNode,
        a: &Ttlv,
        rq: Option<&Ttlv>,
        data_from_server: bool,
        previous_uid: Option<&str>,
    ) -> ItemInfo {
        let op = e
            .child("Operation")
            .map(|o| o.text().to_owned())
            .unwrap_or_default();
        let request_payload = rq.and_then(|r| child(r, "RequestPayload"));
        let response_payload = child(a, "ResponsePayload");
        let uid = response_payload
            .and_then(|p| child_text(p, "UniqueIdentifier"))
            .or_else(|| request_payload.and_then(|p| child_text(p, "UniqueIdentifier")))
            .or(previous_uid);
        let object = uid.and_then(|u| self.object(u)).cloned();
        let params = request_payload.and_then(|p| child(p, "CryptographicParameters"));
        let mode = params
            .and_then(|p| child_enum(p, "BlockCipherMode"))
            .or_else(|| object.as_ref().and_then(|o| o.mode.clone()));
        let padding = params
            .and_then(|p| child_enum(p, "PaddingMethod"))
            .or_else(|| object.as_ref().and_then(|o| o.padding.clone()));
        let random_iv = params
            .and_then(|p| child(p, "RandomIV"))
            .and_then(Ttlv::as_bool)
            .unwrap_or_else(|| object.as_ref().is_some_and(|o| o.random_iv));
        // A continued stream (CorrelationValue) uses the IV of its first part.
        let request_iv = request_payload.is_some_and(|p| {
            child(p, "IVCounterNonce").is_some() || child(p, "CorrelationValue").is_some()
        });
        let requested_attributes = request_payload.map_or(0, |p| {
            p.children()
                .iter()
                .filter(|c| is(c.tag, "AttributeName") || is(c.tag, "AttributeReference"))
                .count()
        });
        let seed_len = request_payload
            .and_then(|p| child(p, "Data"))
            .and_then(Ttlv::as_bytes)
            .map_or(0, <[u8]>::len);
        let wrapping = request_payload.and_then(|p| child(p, "KeyWrappingSpecification"));
        let wrapped = wrapping.is_some()
            || response_payload.is_some_and(|p| find_attribute(p, "", "KeyWrappingData").is_some());
        let wrapping_uid = wrapping
            .and_then(|w| {
                child(w, "EncryptionKeyInformation")
                    .or_else(|| child(w, "MACSignatureKeyInformation"))
            })
            .and_then(|k| child_text(k, "UniqueIdentifier"));
        let wrapping_registered = wrapping_uid
            .and_then(|u| self.object(u))
            .is_some_and(|o| !o.generated);
        ItemInfo {
            op,
            object,
            mode,
            padding,
            random_iv,
            request_iv,
            data_from_server,
            requested_attributes,
            seed_len,
            wrapped,
            wrapping_registered,
        }
    }

    /// Remembers the objects a successful Register, Create, ... made.
    pub(super) fn learn_objects(&mut self, info: &ItemInfo, rq: Option<&Ttlv>, a: &Ttlv) {
        let success = child_enum(a, "ResultStatus").is_some_and(|s| s == "Success");
        if !success {
            return;
        }
        let generated = match info.op.as_str() {
            "Register" | "Import" => false,
            "Create" | "CreateKeyPair" | "ReKey" | "ReKeyKeyPair" | "DeriveKey"
            | "CreateSplitKey" | "JoinSplitKey" | "Certify" | "ReCertify" => true,
            _ => return,
        };
        let request_payload = rq.and_then(|r| child(r, "RequestPayload"));
        let mut base = ObjectInfo {
            generated,
            object_type: request_payload.and_then(|p| child_enum(p, "ObjectType")),
            algorithm: request_payload
                .and_then(|p| {
                    find_attribute(p, "Cryptographic Algorithm", "CryptographicAlgorithm")
                })
                .and_then(|v| enum_as(v, "CryptographicAlgorithm")),
            ..ObjectInfo::default()
        };
        if let Some(params) = request_payload
            .and_then(|p| find_attribute(p, "Cryptographic Parameters", "CryptographicParameters"))
        {
            base.mode = child_enum(params, "BlockCipherMode");
            base.padding = child_enum(params, "PaddingMethod");
            base.random_iv = child(params, "RandomIV")
                .and_then(Ttlv::as_bool)
                .unwrap_or(false);
        }
        if let Some(previous) = &info.object {
            // ReKey and friends: the new object is like the old one.
            base.object_type = base.object_type.or_else(|| previous.object_type.clone());
            base.algorithm = base.algorithm.or_else(|| previous.algorithm.clone());
            base.mode = base.mode.or_else(|| previous.mode.clone());
            base.padding = base.padding.or_else(|| previous.padding.clone());
        }
        let Some(payload) = child(a, "ResponsePayload") else {
            return;
        };
        for c in payload.children() {
            let object_type = match dict::tag_name(c.tag) {
                Some("UniqueIdentifier") => base.object_type.clone(),
                Some("PrivateKeyUniqueIdentifier") => Some("PrivateKey".to_owned()),
                Some("PublicKeyUniqueIdentifier") => Some("PublicKey".to_owned()),
                _ => continue,
            };
            if let Some(uid) = c.as_text() {
                let mut o = base.clone();
                o.object_type = object_type;
                self.new_objects.insert(uid.to_owned(), o);
            }
        }
    }
}

/// The request batch item that expected response item `e` (the b-th) answers: the one with the
/// same UniqueBatchItemID, or the b-th.
pub(super) fn request_index(e: &XmlNode, request_items: &[&Ttlv], b: usize) -> usize {
    let Some(id) = e
        .child("UniqueBatchItemID")
        .and_then(|n| xml::decode_hex(n.text()))
    else {
        return b;
    };
    request_items
        .iter()
        .position(|r| {
            child(r, "UniqueBatchItemID")
                .and_then(Ttlv::as_bytes)
                .is_some_and(|v| v == id.as_slice())
        })
        .unwrap_or(b)
}

/// `OperationFailed (InvalidMessage: "text")`: the result of an actual batch item.
pub(super) fn status_summary(item: &Ttlv) -> String {
    let mut summary = child(item, "ResultStatus").map_or_else(
        || "no ResultStatus".to_owned(),
        |s| show(s.tag, s.tag, &s.value),
    );
    let reason = child(item, "ResultReason").map(|r| show(r.tag, r.tag, &r.value));
    let text = child(item, "ResultMessage").map(|r| show(r.tag, r.tag, &r.value));
    match (reason, text) {
        (Some(r), Some(t)) => summary.push_str(&format!(" ({r}: {t})")),
        (Some(r), None) => summary.push_str(&format!(" ({r})")),
        (None, Some(t)) => summary.push_str(&format!(" ({t})")),
        (None, None) => {}
    }
    summary
}

pub(super) fn describe(e: &XmlNode) -> String {
    match (&e.value, e.kind) {
        (Some(_), _) if xml::is_secret_tag(e.tag) => format!("<{}>", e.name),
        (Some(v), Some(k)) => format!(
            "<{} type=\"{}\" value=\"{}\">",
            e.name,
            k.name(),
            shorten(v, 80)
        ),
        _ => format!("<{}>", e.name),
    }
}

pub(super) fn describe_item(a: &Ttlv) -> String {
    match &a.value {
        Value::Structure(_) => format!("<{}>", tag_label(a.tag)),
        v => format!(
            "<{} type=\"{}\" value={}>",
            tag_label(a.tag),
            v.item_type().name(),
            show(a.tag, a.tag, v)
        ),
    }
}
