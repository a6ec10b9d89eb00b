//! JSON given on the command line (`map update --key/--value`, `lookup`, `push`), read more
//! strictly than serde_json reads it: a key twice in one object is refused (serde_json keeps
//! the last one silently), nesting deeper than [`MAX_DEPTH`] is refused with that reason, `-0`
//! is the integer 0, and an integer literal beyond 64 bits keeps its digits (as a decimal
//! string, which the encoder reads as an integer and checks against the field's range) instead
//! of becoming an imprecise float. Fractions and exponents stay floats: an integer field
//! refuses them as not integers.
use serde_json::{Map, Number, Value};

/// Deeper than this is refused (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

/// What a command-line argument holds.
pub enum Parsed {
    Json(Value),
    /// Not JSON at all (`eth0`, `TCP`): the caller takes the text as a string.
    NotJson,
}

/// Parse `s`. `Err` is a one-line reason for text that is JSON-shaped (an object or array, or
/// a value with a duplicate key or too deep) but cannot be taken.
pub fn parse(s: &str) -> Result<Parsed, String> {
    let mut p = P {
        b: s.as_bytes(),
        s,
        i: 0,
    };
    p.ws();
    let structured = matches!(p.peek(), Some(b'{') | Some(b'['));
    let r = p.value(0, "").and_then(|v| {
        p.ws();
        if p.i < p.b.len() {
            Err(p.err("trailing characters after the JSON value"))
        } else {
            Ok(v)
        }
    });
    match r {
        Ok(v) => Ok(Parsed::Json(v)),
        Err(Fail::Strict(e)) => Err(e),
        Err(Fail::Syntax(e)) if structured => Err(format!("not valid JSON: {e}")),
        Err(Fail::Syntax(_)) => Ok(Parsed::NotJson),
    }
}

enum Fail {
    /// Malformed text.
    Syntax(String),
    /// Well-formed, but refused (duplicate key, too deep).
    Strict(String),
}

struct P<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in {path}")
    }
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn err(&self, what: &str) -> Fail {
        Fail::Syntax(format!("{what} at character {}", self.i + 1))
    }

    fn lit(&mut self, word: &str, v: Value) -> Result<Value, Fail> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("unexpected characters"))
        }
    }

    fn value(&mut self, depth: usize, path: &str) -> Result<Value, Fail> {
        self.ws();
        match self.peek() {
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => Err(Fail::Strict(format!(
                "JSON nested more than {MAX_DEPTH} levels deep: no map type is that deep"
            ))),
            Some(b'{') => self.object(depth, path),
            Some(b'[') => self.array(depth, path),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.lit("true", Value::Bool(true)),
            Some(b'f') => self.lit("false", Value::Bool(false)),
            Some(b'n') => self.lit("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
            None => Err(self.err("unexpected end")),
        }
    }

    fn object(&mut self, depth: usize, path: &str) -> Result<Value, Fail> {
        self.i += 1;
        let mut m = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(m));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a key (a string)"));
            }
            let k = self.string()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.i += 1;
            let sub = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let v = self.value(depth + 1, &sub)?;
            if m.contains_key(&k) {
                return Err(Fail::Strict(format!(
                    "duplicate key {k:?}{} in the JSON: give each field once",
                    at(path)
                )));
            }
            m.insert(k, v);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(m));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize, path: &str) -> Result<Value, Fail> {
        self.i += 1;
        let mut a = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(a));
        }
        loop {
            let sub = format!("{path}[{}]", a.len());
            a.push(self.value(depth + 1, &sub)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(a));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    /// A string token, escapes decoded by serde_json.
    fn string(&mut self) -> Result<String, Fail> {
        let start = self.i;
        self.i += 1;
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'\\') => self.i += 2,
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(_) => self.i += 1,
            }
        }
        let tok = self
            .s
            .get(start..self.i)
            .ok_or_else(|| self.err("bad string"))?;
        serde_json::from_str::<String>(tok).map_err(|e| Fail::Syntax(format!("{e}")))
    }

    fn number(&mut self) -> Result<Value, Fail> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            p.i - s
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        if digits(self) == 0 {
            return Err(self.err("expected digits"));
        }
        if self.b[int_start] == b'0' && self.i - int_start > 1 {
            return Err(self.err("a number cannot start with 0"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            float = true;
            if digits(self) == 0 {
                return Err(self.err("expected digits after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("expected digits in the exponent"));
            }
        }
        let tok = &self.s[start..self.i];
        if float {
            let f: f64 = tok.parse().map_err(|_| self.err("bad number"))?;
            return Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| Fail::Strict(format!("{tok} is too large for a JSON number")));
        }
        if tok == "-0" {
            return Ok(Value::Number(0u64.into()));
        }
        if let Ok(u) = tok.parse::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        if let Ok(i) = tok.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        // Beyond 64 bits: the digits, exactly (the encoder reads decimal strings as integers).
        Ok(Value::String(tok.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(s: &str) -> Value {
        match parse(s) {
            Ok(Parsed::Json(v)) => v,
            Ok(Parsed::NotJson) => panic!("{s}: not JSON"),
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn values() {
        assert_eq!(
            ok(r#" {"a":[1,-2,3.5,true,null,"x\u00e9"],"b":{}} "#),
            json!({"a":[1,-2,3.5,true,null,"xé"],"b":{}})
        );
        assert_eq!(ok("-0"), json!(0));
        assert!(ok("-0").is_u64());
        assert_eq!(ok("18446744073709551615"), json!(18446744073709551615u64));
        assert_eq!(ok("-9223372036854775808"), json!(i64::MIN));
        assert_eq!(ok("18446744073709551616"), json!("18446744073709551616"));
        assert!(ok("1e3").is_f64());
        assert!(ok("1.0").is_f64());
    }

    #[test]
    fn not_json_is_text() {
        for s in ["eth0", "TCP", "", "1.2.3", "-x"] {
            assert!(matches!(parse(s), Ok(Parsed::NotJson)), "{s}");
        }
    }

    #[test]
    fn refusals() {
        let e = parse(r#"{"a":1,"b":{"c":1,"c":2}}"#).err().unwrap();
        assert!(e.contains("duplicate key \"c\" in b"), "{e}");
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&deep).err().unwrap();
        assert!(e.contains("128 levels"), "{e}");
        let ok129 = format!("{}1{}", "[".repeat(128), "]".repeat(128));
        assert!(matches!(parse(&ok129), Ok(Parsed::Json(_))));
        let e = parse(r#"{"a":1"#).err().unwrap();
        assert!(e.contains("not valid JSON"), "{e}");
        assert!(parse("1e999").is_err());
    }
}
