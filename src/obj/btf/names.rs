//! C declarations for BTF types (`struct foo *`, `int (*)(void)`), bounded on cyclic graphs.

use super::*;

/// Renders C declarations; `budget` bounds work on adversarial graphs.
pub(crate) struct Namer<'a> {
    pub(crate) btf: &'a Btf,
    pub(crate) budget: usize,
}

/// "base" + declarator, with C spacing ("char[16]", "int *p", "int (*)(void)").
pub(crate) fn join_decl(base: &str, inner: &str) -> String {
    if inner.is_empty() {
        base.to_owned()
    } else if inner.starts_with('[') {
        format!("{base}{inner}")
    } else {
        format!("{base} {inner}")
    }
}

pub(crate) fn or_anon(name: &str) -> &str {
    if name.is_empty() {
        "(anon)"
    } else {
        name
    }
}

/// Longest declarator rendered: real C declarations are far shorter, and without a cap a
/// hostile type graph makes every step copy an ever longer string (quadratic; found by fuzzing).
const MAX_DECL_LEN: usize = 1024;

fn truncate(s: &str) -> &str {
    if s.len() <= MAX_DECL_LEN {
        return s;
    }
    let mut cut = MAX_DECL_LEN;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

impl Namer<'_> {
    /// Declaration of type `id` around declarator `inner` (may be empty).
    pub(crate) fn decl(&mut self, id: u32, inner: &str, depth: usize) -> String {
        if self.budget == 0 || depth > MAX_RESOLVE_DEPTH || inner.len() > MAX_DECL_LEN {
            return join_decl("...", truncate(inner));
        }
        self.budget -= 1;
        let btf = self.btf;
        let Some(t) = btf.get(id) else {
            return join_decl(&format!("<invalid type {id}>"), inner);
        };
        let d = depth + 1;
        match t.kind {
            BtfKind::Void => join_decl("void", inner),
            BtfKind::Int | BtfKind::Float | BtfKind::Typedef => join_decl(or_anon(&t.name), inner),
            BtfKind::Struct | BtfKind::Union | BtfKind::Enum | BtfKind::Enum64 | BtfKind::Fwd => {
                let tag = match t.kind {
                    BtfKind::Union => "union",
                    BtfKind::Fwd if t.kflag => "union",
                    BtfKind::Fwd | BtfKind::Struct => "struct",
                    _ => "enum",
                };
                join_decl(&format!("{tag} {}", or_anon(&t.name)), inner)
            }
            BtfKind::Ptr => self.decl(t.type_id, &format!("*{inner}"), d),
            BtfKind::Const | BtfKind::Volatile | BtfKind::Restrict => {
                let q = t.kind.as_str();
                let target = btf.get(btf.skip_type_tags(t.type_id)).map(|x| x.kind);
                if target == Some(BtfKind::Ptr) {
                    // Qualified pointer: "char *const".
                    let inner = if inner.is_empty() {
                        q.to_owned()
                    } else {
                        format!("{q} {inner}")
                    };
                    self.decl(t.type_id, &inner, d)
                } else {
                    format!("{q} {}", self.decl(t.type_id, inner, d))
                }
            }
            BtfKind::TypeTag => self.decl(t.type_id, inner, d),
            BtfKind::Array => {
                let (elem, _, n) = t.array.unwrap_or_default();
                let inner = if inner.starts_with('*') {
                    format!("({inner})")
                } else {
                    inner.to_owned()
                };
                self.decl(elem, &format!("{inner}[{n}]"), d)
            }
            BtfKind::FuncProto => {
                let inner = if inner.starts_with('*') {
                    format!("({inner})")
                } else {
                    inner.to_owned()
                };
                let mut params = Vec::with_capacity(t.params.len());
                for (i, p) in t.params.iter().enumerate() {
                    if p.type_id == 0 && p.name.is_empty() && i + 1 == t.params.len() {
                        params.push("...".to_owned());
                    } else {
                        params.push(self.decl(p.type_id, &p.name, d));
                    }
                }
                let params = if params.is_empty() {
                    "void".to_owned()
                } else {
                    truncate(&params.join(", ")).to_owned()
                };
                self.decl(t.type_id, &format!("{inner}({params})"), d)
            }
            BtfKind::Func => {
                let is_proto = btf.get(t.type_id).map(|p| p.kind) == Some(BtfKind::FuncProto);
                if is_proto {
                    self.decl(t.type_id, &t.name, d)
                } else {
                    t.name.clone()
                }
            }
            BtfKind::Var => self.decl(t.type_id, &t.name, d),
            BtfKind::Datasec | BtfKind::DeclTag => t.name.clone(),
        }
    }
}

impl Btf {
    pub(crate) fn skip_type_tags(&self, mut id: u32) -> u32 {
        for _ in 0..MAX_RESOLVE_DEPTH {
            match self.get(id) {
                Some(t) if t.kind == BtfKind::TypeTag => id = t.type_id,
                _ => break,
            }
        }
        id
    }
}
