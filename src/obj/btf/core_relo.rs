//! CO-RE resolution against a target BTF, mirroring libbpf's `bpf_core_calc_relo_insn`.

use super::*;

// ---------------------------------------------------------------------------
// CO-RE
// ---------------------------------------------------------------------------

/// Outcome of resolving one CO-RE relocation against a target BTF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreResolution {
    /// `value` is what libbpf would patch into the instruction.
    Resolved {
        target_type_id: u32,
        value: u64,
        description: String,
        /// The kernel module whose BTF held the candidate (vmlinux had none),
        /// as libbpf falls back to module BTF.
        module: Option<String>,
    },
    NotFound {
        reason: String,
    },
    /// Several candidates matched but disagree (libbpf refuses to load).
    Ambiguous {
        reason: String,
    },
}

/// libbpf's `bpf_core_essential_name_len`: drop the last `___flavor` suffix
/// (an `X___Y` pattern where X and Y are not underscores).
pub fn essential_name(name: &str) -> &str {
    let b = name.as_bytes();
    let Some(last) = b.len().checked_sub(5) else {
        return name;
    };
    for i in (0..=last).rev() {
        if let Some(&[x, b'_', b'_', b'_', y]) = b.get(i..i + 5) {
            if x != b'_' && y != b'_' {
                return name.get(..=i).unwrap_or(name);
            }
        }
    }
    name
}

/// Bounds the work of one resolution.
pub(crate) struct Budget(usize);

impl Budget {
    pub(crate) fn step(&mut self) -> Result<(), String> {
        if self.0 == 0 {
            return Err("type graph too complex (step budget exhausted)".to_owned());
        }
        self.0 -= 1;
        Ok(())
    }
}

/// High-level accessor (libbpf's bpf_core_accessor): a named field or an
/// array index.
#[derive(Clone, Debug)]
pub(crate) struct Accessor<'a> {
    type_id: u32,
    idx: u32,
    name: Option<&'a str>,
}

/// libbpf's bpf_core_spec.
#[derive(Clone, Debug)]
pub(crate) struct Spec<'a> {
    btf: &'a Btf,
    root_type_id: u32,
    raw: Vec<u32>,
    acc: Vec<Accessor<'a>>,
    bit_offset: u64,
}

impl<'a> Spec<'a> {
    pub(crate) fn new(btf: &'a Btf, root_type_id: u32) -> Self {
        Spec {
            btf,
            root_type_id,
            raw: Vec::new(),
            acc: Vec::new(),
            bit_offset: 0,
        }
    }

    pub(crate) fn add_bits(&mut self, idx: u32, elem_size: u32) -> Result<(), String> {
        let bits = u64::from(idx)
            .checked_mul(u64::from(elem_size))
            .and_then(|v| v.checked_mul(8))
            .and_then(|v| v.checked_add(self.bit_offset))
            .ok_or("field bit offset overflows")?;
        self.bit_offset = bits;
        Ok(())
    }
}

pub(crate) fn type_of<'a>(btf: &'a Btf, id: u32, side: &str) -> Result<&'a BtfType, String> {
    btf.get(id)
        .ok_or_else(|| format!("{side} type [{id}] does not exist"))
}

/// libbpf's is_flex_arr: a zero-sized array that is the last member of the
/// struct the previous accessor points into.
pub(crate) fn is_flex_arr(btf: &Btf, prev: Option<&Accessor<'_>>, nelems: u32) -> bool {
    let Some(acc) = prev else { return false };
    if acc.name.is_none() || nelems > 0 {
        return false;
    }
    btf.get(acc.type_id)
        .is_some_and(|t| t.elem_count() > 0 && acc.idx as usize == t.elem_count() - 1)
}

pub(crate) fn parse_access(s: &str) -> Result<Vec<u32>, String> {
    if s.is_empty() || s.starts_with(':') {
        return Err(format!("invalid access string '{s}'"));
    }
    let mut raw = Vec::new();
    for part in s.split(':') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("invalid access string '{s}'"));
        }
        // libbpf parses with %d and rejects negatives.
        let v: u32 = part
            .parse()
            .ok()
            .filter(|v| i32::try_from(*v).is_ok())
            .ok_or_else(|| format!("access index '{part}' out of range in '{s}'"))?;
        if raw.len() == CORE_SPEC_MAX_LEN {
            return Err(format!("access string '{s}' is too long"));
        }
        raw.push(v);
    }
    Ok(raw)
}

/// libbpf's bpf_core_parse_spec for the local side.
pub(crate) fn parse_spec<'a>(
    btf: &'a Btf,
    relo: &CoreRelo,
    budget: &mut Budget,
) -> Result<Spec<'a>, String> {
    let class = relo.kind.class();
    let mut spec = Spec::new(btf, relo.type_id);
    if class == ReloClass::Type {
        if relo.access_str != "0" {
            return Err(format!(
                "type relocation needs access string '0', got '{}'",
                relo.access_str
            ));
        }
        return Ok(spec);
    }
    spec.raw = parse_access(&relo.access_str)?;
    let first = *spec.raw.first().ok_or("empty access string")?;
    let mut id = btf.skip_mods_and_typedefs(relo.type_id);
    let t = type_of(btf, id, "local")?;
    spec.acc.push(Accessor {
        type_id: id,
        idx: first,
        name: None,
    });

    if class == ReloClass::Enumval {
        if !t.is_any_enum() {
            return Err(format!("{} is not an enum", btf.type_name(id)));
        }
        if spec.raw.len() > 1 {
            return Err(format!(
                "enum value access string '{}' has more than one index",
                relo.access_str
            ));
        }
        let e = t.enum_values.get(first as usize).ok_or_else(|| {
            format!(
                "enumerator #{first} out of range for {} ({} values)",
                btf.type_name(id),
                t.enum_values.len()
            )
        })?;
        if let Some(acc) = spec.acc.first_mut() {
            acc.name = Some(e.name.as_str());
        }
        return Ok(spec);
    }
    if class != ReloClass::Field {
        return Err(format!("unknown relocation kind {}", relo.kind.raw()));
    }

    let sz = btf
        .resolve_size(id)
        .ok_or_else(|| format!("cannot determine size of {}", btf.type_name(id)))?;
    spec.add_bits(first, sz)?;

    for i in 1..spec.raw.len() {
        budget.step()?;
        id = btf.skip_mods_and_typedefs(id);
        let t = type_of(btf, id, "local")?;
        let idx = spec.raw.get(i).copied().unwrap_or(0);
        if t.is_composite() {
            let m = t.members.get(idx as usize).ok_or_else(|| {
                format!(
                    "member #{idx} out of range for {} ({} members)",
                    btf.type_name(id),
                    t.members.len()
                )
            })?;
            spec.bit_offset = spec
                .bit_offset
                .checked_add(u64::from(m.bit_offset))
                .ok_or("field bit offset overflows")?;
            if m.name.is_empty() {
                // Anonymous members are only part of the low-level spec.
            } else {
                spec.acc.push(Accessor {
                    type_id: id,
                    idx,
                    name: Some(m.name.as_str()),
                });
            }
            id = m.type_id;
        } else if let Some((elem, _, nelems)) = t.array {
            id = btf.skip_mods_and_typedefs(elem);
            type_of(btf, id, "local")?;
            let flex = is_flex_arr(btf, spec.acc.last(), nelems);
            if !flex && idx >= nelems {
                return Err(format!(
                    "array index {idx} out of bounds for {} ({nelems} elements)",
                    btf.type_name(t.id)
                ));
            }
            spec.acc.push(Accessor {
                type_id: id,
                idx,
                name: None,
            });
            let sz = btf
                .resolve_size(id)
                .ok_or_else(|| format!("cannot determine size of {}", btf.type_name(id)))?;
            spec.add_bits(idx, sz)?;
        } else {
            return Err(format!(
                "access index #{i} ({idx}) applies to {} which is neither struct/union nor array",
                btf.type_name(id)
            ));
        }
    }
    Ok(spec)
}

/// libbpf's btf_kind_core_compat.
pub(crate) fn kind_core_compat(a: BtfKind, b: BtfKind) -> bool {
    a == b || (a.is_any_enum() && b.is_any_enum())
}

pub(crate) fn names_essentially_equal(a: &str, b: &str) -> bool {
    essential_name(a) == essential_name(b)
}

/// libbpf's bpf_core_fields_are_compat.
pub(crate) fn fields_are_compat(
    local: &Btf,
    mut lid: u32,
    targ: &Btf,
    mut tid: u32,
    budget: &mut Budget,
) -> Result<bool, String> {
    for _ in 0..MAX_RESOLVE_DEPTH {
        budget.step()?;
        lid = local.skip_mods_and_typedefs(lid);
        tid = targ.skip_mods_and_typedefs(tid);
        let lt = type_of(local, lid, "local")?;
        let tt = type_of(targ, tid, "target")?;
        if lt.is_composite() && tt.is_composite() {
            return Ok(true);
        }
        if !kind_core_compat(lt.kind, tt.kind) {
            return Ok(false);
        }
        match lt.kind {
            BtfKind::Ptr | BtfKind::Float => return Ok(true),
            BtfKind::Fwd | BtfKind::Enum | BtfKind::Enum64 => {
                let (ln, tn) = (essential_name(&lt.name), essential_name(&tt.name));
                return Ok(ln.is_empty() || tn.is_empty() || ln == tn);
            }
            // Deprecated bitfield-like ints are rejected; others are compatible.
            BtfKind::Int => return Ok(lt.int_offset == 0 && tt.int_offset == 0),
            BtfKind::Array => {
                lid = lt.array.map_or(0, |a| a.0);
                tid = tt.array.map_or(0, |a| a.0);
            }
            _ => return Ok(false),
        }
    }
    Err("array nesting too deep".to_owned())
}

/// libbpf's __bpf_core_types_are_compat (TYPE_EXISTS/SIZE/ID_TARGET).
pub(crate) fn types_are_compat(
    local: &Btf,
    mut lid: u32,
    targ: &Btf,
    mut tid: u32,
    level: u32,
    budget: &mut Budget,
) -> Result<bool, String> {
    let lt = type_of(local, lid, "local")?;
    let tt = type_of(targ, tid, "target")?;
    if !kind_core_compat(lt.kind, tt.kind) {
        return Ok(false);
    }
    for _ in 0..MAX_RESOLVE_DEPTH {
        budget.step()?;
        lid = local.skip_mods_and_typedefs(lid);
        tid = targ.skip_mods_and_typedefs(tid);
        let lt = type_of(local, lid, "local")?;
        let tt = type_of(targ, tid, "target")?;
        if !kind_core_compat(lt.kind, tt.kind) {
            return Ok(false);
        }
        match lt.kind {
            BtfKind::Void
            | BtfKind::Struct
            | BtfKind::Union
            | BtfKind::Enum
            | BtfKind::Fwd
            | BtfKind::Enum64 => return Ok(true),
            BtfKind::Int => return Ok(lt.int_offset == 0 && tt.int_offset == 0),
            BtfKind::Ptr => {
                lid = lt.type_id;
                tid = tt.type_id;
            }
            BtfKind::Array => {
                lid = lt.array.map_or(0, |a| a.0);
                tid = tt.array.map_or(0, |a| a.0);
            }
            BtfKind::FuncProto => {
                if lt.params.len() != tt.params.len() {
                    return Ok(false);
                }
                for (lp, tp) in lt.params.iter().zip(&tt.params) {
                    if level == 0 {
                        return Err("function prototypes nested too deeply".to_owned());
                    }
                    let l = local.skip_mods_and_typedefs(lp.type_id);
                    let t = targ.skip_mods_and_typedefs(tp.type_id);
                    if !types_are_compat(local, l, targ, t, level - 1, budget)? {
                        return Ok(false);
                    }
                }
                lid = lt.type_id;
                tid = tt.type_id;
            }
            _ => return Ok(false),
        }
    }
    Err("type nesting too deep".to_owned())
}

/// libbpf's bpf_core_names_match (used by TYPE_MATCHES).
pub(crate) fn names_match_for_types(local: &str, targ: &str) -> bool {
    if targ.is_empty() {
        return local.is_empty();
    }
    names_essentially_equal(local, targ)
}

/// libbpf's __bpf_core_types_match (TYPE_MATCHES).
pub(crate) fn types_match(
    local: &Btf,
    mut lid: u32,
    targ: &Btf,
    mut tid: u32,
    mut behind_ptr: bool,
    level: u32,
    budget: &mut Budget,
) -> Result<bool, String> {
    if level == 0 {
        return Err("types nested too deeply".to_owned());
    }
    for _ in 0..MAX_RESOLVE_DEPTH {
        budget.step()?;
        lid = local.skip_mods_and_typedefs(lid);
        tid = targ.skip_mods_and_typedefs(tid);
        let lt = type_of(local, lid, "local")?;
        let tt = type_of(targ, tid, "target")?;
        if !names_match_for_types(&lt.name, &tt.name) {
            return Ok(false);
        }
        let (lk, tk) = (lt.kind, tt.kind);
        match lk {
            BtfKind::Void => return Ok(lk == tk),
            BtfKind::Fwd => {
                if behind_ptr {
                    if lk == tk {
                        return Ok(lt.kflag == tt.kflag);
                    }
                    // For forward declarations kflag says struct (0) or union (1).
                    return Ok(
                        (tk == BtfKind::Struct && !lt.kflag) || (tk == BtfKind::Union && lt.kflag)
                    );
                }
                return Ok(lk == tk && lt.kflag == tt.kflag);
            }
            BtfKind::Enum | BtfKind::Enum64 => {
                if !tt.is_any_enum() || lt.size != tt.size {
                    return Ok(false);
                }
                // Every local enumerator needs a same-named target one.
                for le in &lt.enum_values {
                    let mut found = false;
                    for te in &tt.enum_values {
                        budget.step()?;
                        if names_match_for_types(&le.name, &te.name) {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            BtfKind::Struct | BtfKind::Union => {
                if behind_ptr {
                    if lk == tk {
                        return Ok(true);
                    }
                    return Ok(tk == BtfKind::Fwd && (lk == BtfKind::Union) == tt.kflag);
                }
                if lk != tk || lt.members.len() > tt.members.len() {
                    return Ok(false);
                }
                for lm in &lt.members {
                    let mut matched = false;
                    for tm in &tt.members {
                        // Quadratic in member counts: charge every comparison.
                        budget.step()?;
                        if !names_match_for_types(&lm.name, &tm.name) {
                            continue;
                        }
                        if types_match(
                            local,
                            lm.type_id,
                            targ,
                            tm.type_id,
                            behind_ptr,
                            level - 1,
                            budget,
                        )? {
                            matched = true;
                            break;
                        }
                    }
                    if !matched {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            BtfKind::Int => {
                return Ok(lk == tk
                    && lt.size == tt.size
                    && (lt.int_encoding & BTF_INT_SIGNED) == (tt.int_encoding & BTF_INT_SIGNED));
            }
            BtfKind::Ptr => {
                if lk != tk {
                    return Ok(false);
                }
                behind_ptr = true;
                lid = lt.type_id;
                tid = tt.type_id;
            }
            BtfKind::Array => {
                let (Some(la), Some(ta)) = (lt.array, tt.array) else {
                    return Ok(false);
                };
                if lk != tk || la.2 != ta.2 {
                    return Ok(false);
                }
                lid = la.0;
                tid = ta.0;
            }
            BtfKind::FuncProto => {
                if lk != tk || lt.params.len() != tt.params.len() {
                    return Ok(false);
                }
                for (lp, tp) in lt.params.iter().zip(&tt.params) {
                    if !types_match(
                        local,
                        lp.type_id,
                        targ,
                        tp.type_id,
                        behind_ptr,
                        level - 1,
                        budget,
                    )? {
                        return Ok(false);
                    }
                }
                lid = lt.type_id;
                tid = tt.type_id;
            }
            _ => return Ok(false),
        }
    }
    Err("type nesting too deep".to_owned())
}

pub(crate) enum MemberMatch {
    /// Found; carries the target member's type id.
    Found(u32),
    /// Not found; carries a reason when a same-named member was incompatible.
    Missing(Option<String>),
}

/// libbpf's bpf_core_match_member: find the local named member in target
/// type `targ_id`, descending into anonymous struct/union members.
pub(crate) fn match_member<'t>(
    local: &Btf,
    local_acc: &Accessor<'_>,
    targ: &'t Btf,
    targ_id: u32,
    spec: &mut Spec<'t>,
    budget: &mut Budget,
) -> Result<MemberMatch, String> {
    budget.step()?;
    let tid = targ.skip_mods_and_typedefs(targ_id);
    let tt = type_of(targ, tid, "target")?;
    if !tt.is_composite() {
        return Ok(MemberMatch::Missing(None));
    }
    let lt = type_of(local, local_acc.type_id, "local")?;
    let lm = lt
        .members
        .get(local_acc.idx as usize)
        .ok_or("local member index out of range")?;
    let mut reason = None;
    for (i, m) in tt.members.iter().enumerate() {
        budget.step()?;
        if spec.raw.len() >= CORE_SPEC_MAX_LEN {
            return Err("struct/union/array nesting too deep".to_owned());
        }
        let saved_bits = spec.bit_offset;
        // Speculate that this member is the one.
        spec.bit_offset = spec
            .bit_offset
            .checked_add(u64::from(m.bit_offset))
            .ok_or("field bit offset overflows")?;
        spec.raw.push(i as u32);
        if m.name.is_empty() {
            match match_member(local, local_acc, targ, m.type_id, spec, budget)? {
                MemberMatch::Found(next) => return Ok(MemberMatch::Found(next)),
                MemberMatch::Missing(r) => reason = reason.or(r),
            }
        } else if m.name == lm.name {
            if fields_are_compat(local, lm.type_id, targ, m.type_id, budget)? {
                spec.acc.push(Accessor {
                    type_id: tid,
                    idx: i as u32,
                    name: Some(m.name.as_str()),
                });
                return Ok(MemberMatch::Found(m.type_id));
            }
            spec.bit_offset = saved_bits;
            spec.raw.pop();
            return Ok(MemberMatch::Missing(Some(format!(
                "member '{}' of {} has incompatible type {} (local type {})",
                m.name,
                targ.type_name(tid),
                targ.type_name(m.type_id),
                local.type_name(lm.type_id)
            ))));
        }
        spec.bit_offset = saved_bits;
        spec.raw.pop();
    }
    Ok(MemberMatch::Missing(reason))
}

pub(crate) enum SpecMatch<'t> {
    Yes(Spec<'t>),
    No(String),
}

/// libbpf's bpf_core_spec_match: map the local spec onto candidate `targ_id`.
pub(crate) fn spec_match<'t>(
    local_spec: &Spec<'_>,
    kind: CoreReloKind,
    targ: &'t Btf,
    targ_id: u32,
    budget: &mut Budget,
) -> Result<SpecMatch<'t>, String> {
    let local = local_spec.btf;
    let mut ts = Spec::new(targ, targ_id);
    match kind.class() {
        ReloClass::Type => {
            let ok = if kind == CoreReloKind::TypeMatches {
                types_match(
                    local,
                    local_spec.root_type_id,
                    targ,
                    targ_id,
                    false,
                    32,
                    budget,
                )?
            } else {
                types_are_compat(local, local_spec.root_type_id, targ, targ_id, 32, budget)?
            };
            return Ok(if ok {
                SpecMatch::Yes(ts)
            } else {
                SpecMatch::No(format!(
                    "{} does not {} {}",
                    targ.type_name(targ_id),
                    if kind == CoreReloKind::TypeMatches {
                        "match"
                    } else {
                        "have a layout compatible with"
                    },
                    local.type_name(local_spec.root_type_id)
                ))
            });
        }
        ReloClass::Enumval => {
            let tid = targ.skip_mods_and_typedefs(targ_id);
            let tt = type_of(targ, tid, "target")?;
            let lname = local_spec.acc.first().and_then(|a| a.name).unwrap_or("");
            if !tt.is_any_enum() {
                return Ok(SpecMatch::No(format!(
                    "{} is not an enum",
                    targ.type_name(tid)
                )));
            }
            let lname_ess = essential_name(lname);
            for (i, e) in tt.enum_values.iter().enumerate() {
                if essential_name(&e.name) == lname_ess {
                    ts.acc.push(Accessor {
                        type_id: tid,
                        idx: i as u32,
                        name: Some(e.name.as_str()),
                    });
                    ts.raw.push(i as u32);
                    return Ok(SpecMatch::Yes(ts));
                }
            }
            return Ok(SpecMatch::No(format!(
                "no enumerator '{lname}' in {}",
                targ.type_name(tid)
            )));
        }
        ReloClass::Field => {}
        ReloClass::Unknown => return Err(format!("unknown relocation kind {}", kind.raw())),
    }

    let mut tid = targ_id;
    for (i, lacc) in local_spec.acc.iter().enumerate() {
        budget.step()?;
        tid = targ.skip_mods_and_typedefs(tid);
        let tt = type_of(targ, tid, "target")?;
        if lacc.name.is_some() {
            match match_member(local, lacc, targ, tid, &mut ts, budget)? {
                MemberMatch::Found(next) => tid = next,
                MemberMatch::Missing(reason) => {
                    return Ok(SpecMatch::No(reason.unwrap_or_else(|| {
                        format!(
                            "no member '{}' in {}",
                            lacc.name.unwrap_or(""),
                            targ.type_name(tid)
                        )
                    })));
                }
            }
        } else {
            // For i == 0 the root itself is the "array element".
            if i > 0 {
                let Some((elem, _, nelems)) = tt.array else {
                    return Ok(SpecMatch::No(format!(
                        "{} is not an array",
                        targ.type_name(tid)
                    )));
                };
                let flex = is_flex_arr(targ, ts.acc.last(), nelems);
                if !flex && lacc.idx >= nelems {
                    return Ok(SpecMatch::No(format!(
                        "array index {} out of bounds for {} ({nelems} elements)",
                        lacc.idx,
                        targ.type_name(tid)
                    )));
                }
                tid = targ.skip_mods_and_typedefs(elem);
                type_of(targ, tid, "target")?;
            }
            if ts.raw.len() >= CORE_SPEC_MAX_LEN {
                return Err("struct/union/array nesting too deep".to_owned());
            }
            ts.acc.push(Accessor {
                type_id: tid,
                idx: lacc.idx,
                name: None,
            });
            ts.raw.push(lacc.idx);
            let sz = targ
                .resolve_size(tid)
                .ok_or_else(|| format!("cannot determine size of {}", targ.type_name(tid)))?;
            ts.add_bits(lacc.idx, sz)?;
        }
    }
    Ok(SpecMatch::Yes(ts))
}

/// A computed relocation value, or libbpf's "poison the instruction".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Calc {
    Val(u64),
    Poison,
}

/// libbpf's bpf_core_calc_field_relo (value part only).
pub(crate) fn calc_field(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    if kind == CoreReloKind::FieldExists {
        return Ok(Calc::Val(u64::from(spec.is_some())));
    }
    let Some(spec) = spec else {
        return Ok(Calc::Poison);
    };
    let btf = spec.btf;
    let acc = spec.acc.last().ok_or("empty field specification")?;
    if acc.name.is_none() {
        // The last step is an array index: a[n].
        return match kind {
            CoreReloKind::FieldByteOffset => Ok(Calc::Val(spec.bit_offset / 8)),
            CoreReloKind::FieldByteSize => btf
                .resolve_size(acc.type_id)
                .map(|s| Calc::Val(u64::from(s)))
                .ok_or_else(|| format!("cannot determine size of {}", btf.type_name(acc.type_id))),
            _ => Err(format!(
                "relocation {} can't be applied to an array element access",
                kind.as_str()
            )),
        };
    }
    let t = type_of(btf, acc.type_id, "field parent")?;
    let m = t
        .members
        .get(acc.idx as usize)
        .ok_or("member index out of range")?;
    let field_type_id = btf.skip_mods_and_typedefs(m.type_id);
    let mt = type_of(btf, field_type_id, "field")?;
    let bit_off = spec.bit_offset;
    let mut bit_sz = u64::from(m.bitfield_size);
    let bitfield = bit_sz > 0;
    let (byte_off, byte_sz) = if bitfield {
        let mut byte_sz = u64::from(mt.size);
        if byte_sz == 0 {
            return Err(format!(
                "bitfield '{}' has a zero-sized type {}",
                m.name,
                btf.type_name(field_type_id)
            ));
        }
        let mut byte_off = bit_off / 8 / byte_sz * byte_sz;
        // Smallest load size that covers the whole bitfield.
        while bit_off + bit_sz - byte_off * 8 > byte_sz * 8 {
            if byte_sz >= 8 {
                return Err(format!(
                    "bitfield '{}' can't be read with a 64-bit load",
                    m.name
                ));
            }
            byte_sz *= 2;
            byte_off = bit_off / 8 / byte_sz * byte_sz;
        }
        (byte_off, byte_sz)
    } else {
        let sz = btf.resolve_size(field_type_id).ok_or_else(|| {
            format!(
                "cannot determine size of field '{}' ({})",
                m.name,
                btf.type_name(field_type_id)
            )
        })?;
        bit_sz = u64::from(sz) * 8;
        (bit_off / 8, u64::from(sz))
    };
    // libbpf computes these in u32 arithmetic; mirror its wrap-around.
    let wrap32 = |v: u64| u64::from(v as u32);
    let val = match kind {
        CoreReloKind::FieldByteOffset => byte_off,
        CoreReloKind::FieldByteSize => byte_sz,
        CoreReloKind::FieldSigned => u64::from(
            (mt.is_any_enum() && mt.kflag)
                || (mt.kind == BtfKind::Int && mt.int_encoding & BTF_INT_SIGNED != 0),
        ),
        // Shifts depend on the byte order of the machine running the program.
        CoreReloKind::FieldLshiftU64 => match btf.endian {
            Endian::Little => wrap32(64u64.wrapping_sub(bit_off + bit_sz - byte_off * 8)),
            Endian::Big => wrap32(
                (8u64.wrapping_sub(byte_sz))
                    .wrapping_mul(8)
                    .wrapping_add(bit_off - byte_off * 8),
            ),
        },
        CoreReloKind::FieldRshiftU64 => wrap32(64u64.wrapping_sub(bit_sz)),
        _ => return Err(format!("unsupported field relocation {}", kind.as_str())),
    };
    Ok(Calc::Val(val))
}

/// libbpf's bpf_core_calc_type_relo.
pub(crate) fn calc_type(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    let Some(spec) = spec else {
        return Ok(Calc::Val(0));
    };
    match kind {
        CoreReloKind::TypeIdTarget | CoreReloKind::TypeIdLocal => {
            Ok(Calc::Val(u64::from(spec.root_type_id)))
        }
        CoreReloKind::TypeExists | CoreReloKind::TypeMatches => Ok(Calc::Val(1)),
        CoreReloKind::TypeSize => spec
            .btf
            .resolve_size(spec.root_type_id)
            .map(|s| Calc::Val(u64::from(s)))
            .ok_or_else(|| {
                format!(
                    "cannot determine size of {}",
                    spec.btf.type_name(spec.root_type_id)
                )
            }),
        _ => Err(format!("unsupported type relocation {}", kind.as_str())),
    }
}

/// libbpf's bpf_core_calc_enumval_relo.
pub(crate) fn calc_enumval(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    match kind {
        CoreReloKind::EnumvalExists => Ok(Calc::Val(u64::from(spec.is_some()))),
        CoreReloKind::EnumvalValue => {
            let Some(spec) = spec else {
                return Ok(Calc::Poison);
            };
            let acc = spec.acc.first().ok_or("empty enum specification")?;
            let t = type_of(spec.btf, acc.type_id, "enum")?;
            let e = t
                .enum_values
                .get(acc.idx as usize)
                .ok_or("enumerator index out of range")?;
            Ok(Calc::Val(if t.kind == BtfKind::Enum {
                // libbpf widens the s32 value, i.e. sign-extends it.
                i64::from(e.value as u32 as i32) as u64
            } else {
                e.as_u64()
            }))
        }
        _ => Err(format!("unsupported enum relocation {}", kind.as_str())),
    }
}

pub(crate) fn calc(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    match kind.class() {
        ReloClass::Field => calc_field(kind, spec),
        ReloClass::Type => calc_type(kind, spec),
        ReloClass::Enumval => calc_enumval(kind, spec),
        ReloClass::Unknown => Err(format!("unknown relocation kind {}", kind.raw())),
    }
}

/// libbpf-style rendering of a matched spec:
/// "[id] struct foo.a[3] (0:1:3 @ offset 12)".
pub(crate) fn format_spec(spec: &Spec<'_>, kind: CoreReloKind) -> String {
    let btf = spec.btf;
    let mut s = format!(
        "[{}] {}",
        spec.root_type_id,
        btf.type_name(spec.root_type_id)
    );
    match kind.class() {
        ReloClass::Enumval => {
            if let Some(name) = spec.acc.first().and_then(|a| a.name) {
                s.push_str("::");
                s.push_str(name);
            }
        }
        ReloClass::Field => {
            for (i, a) in spec.acc.iter().enumerate() {
                match a.name {
                    Some(n) => {
                        s.push('.');
                        s.push_str(n);
                    }
                    None if i > 0 || a.idx > 0 => s.push_str(&format!("[{}]", a.idx)),
                    None => {}
                }
            }
            let raw: Vec<String> = spec.raw.iter().map(u32::to_string).collect();
            let off = if spec.bit_offset % 8 != 0 {
                format!("{}.{}", spec.bit_offset / 8, spec.bit_offset % 8)
            } else {
                (spec.bit_offset / 8).to_string()
            };
            s.push_str(&format!(" ({} @ offset {off})", raw.join(":")));
        }
        _ => {}
    }
    s
}

/// Human path of a local field spec without "struct": "task_struct.a[3].b".
pub(crate) fn field_path(spec: &Spec<'_>, root_name: &str) -> String {
    let mut s = root_name.to_owned();
    for (i, a) in spec.acc.iter().enumerate() {
        match a.name {
            Some(n) => {
                s.push('.');
                s.push_str(n);
            }
            None if i > 0 || a.idx > 0 => s.push_str(&format!("[{}]", a.idx)),
            None => {}
        }
    }
    s
}

/// Describe a relocation in C-ish terms from the local BTF, like libbpf's
/// logs: "struct task_struct.pid", "struct sk_buff.__anon.len",
/// "struct foo.arr[3]", "struct foo", "enum bar::VALUE". Invalid pieces are
/// rendered as "?"; never panics.
pub fn core_spec_string(btf: &Btf, relo: &CoreRelo) -> String {
    let root = btf.type_name(relo.type_id);
    match relo.kind.class() {
        ReloClass::Type => root,
        ReloClass::Unknown => format!("{root} (access {})", relo.access_str),
        ReloClass::Enumval => {
            let t = btf.get(btf.skip_mods_and_typedefs(relo.type_id));
            let name = relo
                .access_str
                .parse::<usize>()
                .ok()
                .and_then(|i| t?.enum_values.get(i))
                .map_or("?", |e| e.name.as_str());
            format!("{root}::{name}")
        }
        ReloClass::Field => {
            let mut s = root;
            let mut parts = relo.access_str.split(':');
            match parts.next().map(str::parse::<u32>) {
                Some(Ok(0)) => {}
                Some(Ok(n)) => s.push_str(&format!("[{n}]")),
                _ => s.push_str("[?]"),
            }
            let mut id = Some(relo.type_id);
            for part in parts {
                let idx = part.parse::<u32>().ok();
                let t = id.and_then(|i| btf.get(btf.skip_mods_and_typedefs(i)));
                match (t, idx) {
                    (Some(t), Some(idx)) if t.is_composite() => match t.members.get(idx as usize) {
                        Some(m) if m.name.is_empty() => {
                            s.push_str(".__anon");
                            id = Some(m.type_id);
                        }
                        Some(m) => {
                            s.push('.');
                            s.push_str(&m.name);
                            id = Some(m.type_id);
                        }
                        None => {
                            s.push_str(".?");
                            id = None;
                        }
                    },
                    (Some(BtfType { array: Some(a), .. }), Some(idx)) => {
                        s.push_str(&format!("[{idx}]"));
                        id = Some(a.0);
                    }
                    _ => {
                        s.push_str(".?");
                        id = None;
                    }
                }
            }
            s
        }
    }
}

/// A kernel module's BTF (`/sys/kernel/btf/<name>`, split BTF over vmlinux).
#[derive(Debug)]
pub struct ModuleBtf {
    pub name: String,
    pub btf: Btf,
}

/// Resolve one CO-RE relocation of `local` BTF against `target` BTF the way
/// libbpf's bpf_core_calc_relo_insn does: candidates are target types of a
/// compatible kind with the same essential name; each candidate is matched
/// field by field (by name, through anonymous members); all matching
/// candidates must agree. Existence-style relocations (field_exists,
/// type_exists, type_matches, enumval_exists) resolve to 0 when absent.
pub fn resolve_core_relo(local: &Btf, relo: &CoreRelo, target: &Btf) -> CoreResolution {
    resolve_core_relo_with_modules(local, relo, target, || &[])
}

/// [`resolve_core_relo`] with libbpf's fallback to kernel-module BTF
/// (`bpf_core_find_cands`): candidates are looked up in `target` (vmlinux)
/// first, and only if it has none at all (no type of a compatible kind with
/// the same essential name, whether it matches or not) in the modules' own
/// types, all modules together: candidates from several modules must agree
/// like candidates from one BTF. `modules` is called at most once, and only
/// then, so that module BTF is read only when needed.
pub fn resolve_core_relo_with_modules<'m>(
    local: &Btf,
    relo: &CoreRelo,
    target: &'m Btf,
    modules: impl FnOnce() -> &'m [ModuleBtf],
) -> CoreResolution {
    let not_found = |reason: String| CoreResolution::NotFound { reason };
    let kind = relo.kind;
    let class = kind.class();
    if class == ReloClass::Unknown {
        return not_found(format!("unknown CO-RE relocation kind {}", kind.raw()));
    }
    let Some(local_t) = local.get(relo.type_id) else {
        return not_found(format!(
            "relocation refers to local type [{}], which does not exist ({} types)",
            relo.type_id,
            local.len()
        ));
    };
    let mut budget = Budget(CORE_STEP_BUDGET);
    let local_spec = match parse_spec(local, relo, &mut budget) {
        Ok(s) => s,
        Err(e) => {
            return not_found(format!(
                "invalid local relocation {} + '{}': {e}",
                core_spec_string(local, relo),
                relo.access_str
            ))
        }
    };
    if kind == CoreReloKind::TypeIdLocal {
        // Needs no target lookup: the value is the local id itself.
        return CoreResolution::Resolved {
            target_type_id: relo.type_id,
            value: u64::from(relo.type_id),
            description: format!(
                "{kind}: [{}] {} (local type id, no target lookup)",
                relo.type_id,
                local.type_name(relo.type_id)
            ),
            module: None,
        };
    }
    let local_val = match calc(kind, Some(&local_spec)) {
        Ok(Calc::Val(v)) => v,
        Ok(Calc::Poison) => 0,
        Err(e) => {
            return not_found(format!(
                "invalid local relocation {}: {e}",
                core_spec_string(local, relo)
            ))
        }
    };
    if local_t.name.is_empty() {
        return not_found(format!(
            "local type [{}] {} is anonymous; CO-RE needs a named type to find candidates",
            relo.type_id,
            local.type_name(relo.type_id)
        ));
    }
    let ess = essential_name(&local_t.name);
    let what = match class {
        ReloClass::Field => format!("field {}", field_path(&local_spec, &local_t.name)),
        ReloClass::Enumval => format!("enumerator {}", core_spec_string(local, relo)),
        _ => format!("type {}", local.type_name(relo.type_id)),
    };

    // Candidates: (BTF, module name, type id), vmlinux's first.
    let cands_in = |btf: &'m Btf, module: Option<&'m str>| {
        btf.by_essential_name(ess)
            .iter()
            .filter(move |&&id| {
                btf.get(id)
                    .is_some_and(|t| kind_core_compat(t.kind, local_t.kind))
            })
            .map(move |&id| (btf, module, id))
    };
    let mut cands: Vec<(&Btf, Option<&str>, u32)> = cands_in(target, None).collect();
    let mut n_modules = 0usize;
    if cands.is_empty() {
        let mods = modules();
        n_modules = mods.len();
        for m in mods {
            cands.extend(cands_in(&m.btf, Some(m.name.as_str())));
        }
    }

    let mut first: Option<(Spec<'_>, Calc, Option<&str>)> = None;
    let mut matched = 0usize;
    let mut first_reason = None;
    let n_cands = cands.len();
    for (target, module, cand) in cands {
        let cand_spec = match spec_match(&local_spec, kind, target, cand, &mut budget) {
            Ok(SpecMatch::Yes(s)) => s,
            Ok(SpecMatch::No(reason)) => {
                first_reason.get_or_insert(reason);
                continue;
            }
            Err(e) => {
                return not_found(format!(
                    "error matching {what} against candidate [{cand}] {}: {e}",
                    target.type_name(cand)
                ))
            }
        };
        let val = match calc(kind, Some(&cand_spec)) {
            Ok(v) => v,
            Err(e) => {
                return not_found(format!(
                    "{what}: candidate {}: {e}",
                    format_spec(&cand_spec, kind)
                ))
            }
        };
        matched += 1;
        match &first {
            None => first = Some((cand_spec, val, module)),
            Some((fs, fv, _)) => {
                if class == ReloClass::Field && fs.bit_offset != cand_spec.bit_offset {
                    return CoreResolution::Ambiguous {
                        reason: format!(
                            "{what}: field offset ambiguity between candidates {} and {}",
                            format_spec(fs, kind),
                            format_spec(&cand_spec, kind)
                        ),
                    };
                }
                if *fv != val {
                    return CoreResolution::Ambiguous {
                        reason: format!(
                            "{what}: candidates {} and {} give different {kind} values ({} vs {})",
                            format_spec(fs, kind),
                            format_spec(&cand_spec, kind),
                            calc_str(*fv),
                            calc_str(val)
                        ),
                    };
                }
            }
        }
    }

    if let Some((spec, Calc::Val(value), module)) = first {
        let agreed = if matched > 1 {
            format!(", {matched} candidates agree")
        } else {
            String::new()
        };
        let in_module = module.map_or(String::new(), |m| format!(", resolved in module {m}"));
        return CoreResolution::Resolved {
            target_type_id: spec.root_type_id,
            value,
            description: format!(
                "{kind}: {} = {value} (local {local_val}{agreed}){in_module}",
                format_spec(&spec, kind)
            ),
            module: module.map(str::to_owned),
        };
    }

    let why = match first_reason {
        Some(r) if n_cands > 1 => format!("{r}; {n_cands} candidates checked"),
        Some(r) => r,
        None => format!(
            "no {} named '{ess}' in target BTF{}",
            match local_t.kind {
                BtfKind::Enum | BtfKind::Enum64 => "enum",
                k => k.as_str(),
            },
            match n_modules {
                0 => String::new(),
                1 => " nor in the BTF of 1 kernel module".to_owned(),
                n => format!(" nor in the BTF of {n} kernel modules"),
            }
        ),
    };
    match kind {
        CoreReloKind::FieldExists
        | CoreReloKind::TypeExists
        | CoreReloKind::TypeMatches
        | CoreReloKind::EnumvalExists => CoreResolution::Resolved {
            target_type_id: 0,
            value: 0,
            description: format!(
                "{kind}: {what} is absent in target BTF ({why}) = 0 (local {local_val})"
            ),
            module: None,
        },
        _ => not_found(format!("{what} not found in target BTF ({why})")),
    }
}

pub(crate) fn calc_str(c: Calc) -> String {
    match c {
        Calc::Val(v) => v.to_string(),
        Calc::Poison => "poison".to_owned(),
    }
}
