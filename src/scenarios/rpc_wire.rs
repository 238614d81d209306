//! The RPC scenario's wire format: what the client stub and the server stub turn calls and results
//! into. A real byte encoding, small enough to read in hex on screen.
//!
//! Every integer is big-endian (network byte order).
//!
//! ```text
//! Request (client stub → server stub)
//!   offset  size  field
//!   0       2     magic        0x52 0x50 ("RP")
//!   2       1     version      0x01
//!   3       1     kind         0x01 = request
//!   4       4     request id   u32, chosen by the client; the SAME on every retry of a call
//!   8       1     attempt      1 for the first transmission, 2 for the first retry, …
//!   9       1     procedure    0x01 = process_payment(card, amount), 0x02 = get_balance(account)
//!   10      1     count        number of arguments that follow
//!   11      …     arguments, each tag-length-value:
//!                   tag    1 byte   0x01 = int64 (length 8, two's complement), 0x02 = UTF-8 string
//!                   length 2 bytes  of the value, in bytes
//!                   value  `length` bytes
//!
//! Response (server stub → client stub)
//!   0       2     magic        "RP"
//!   2       1     version      0x01
//!   3       1     kind         0x02 = response
//!   4       4     request id   copied from the request it answers
//!   8       1     attempt      copied from the request it answers (also when the result comes
//!                              from the server's deduplication table)
//!   9       1     status       0x00 ok, 0x01 declined (insufficient funds), 0x02 no such
//!                              procedure, 0x03 unknown card or account
//!   10      1     count        number of result values that follow
//!   11      …     values, tag-length-value as above
//! ```
//!
//! Results: `process_payment` → ok: (transaction id: int64, new balance in cents: int64);
//! declined: (balance in cents). `get_balance` → ok: (balance in cents). Amounts are int64 cents.
//!
//! For example, request 3, first attempt, `process_payment("4000 1234 5678 9010", 2500)`:
//!
//! ```text
//! 52 50 01 01 00 00 00 03 01 01 02                 header: RP v1 request #3 attempt 1 proc 1, 2 args
//! 02 00 13 34 30 30 30 20 31 32 …                   string, 19 bytes: "4000 1234 5678 9010"
//! 01 00 08 00 00 00 00 00 00 09 c4                  int64, 8 bytes: 2500 (25.00)
//! ```

pub const MAGIC: [u8; 2] = *b"RP";
pub const VERSION: u8 = 1;
pub const KIND_REQUEST: u8 = 0x01;
pub const KIND_RESPONSE: u8 = 0x02;
pub const PROC_PAYMENT: u8 = 0x01;
pub const PROC_BALANCE: u8 = 0x02;
pub const TAG_INT: u8 = 0x01;
pub const TAG_STR: u8 = 0x02;
pub const STATUS_OK: u8 = 0x00;
pub const STATUS_DECLINED: u8 = 0x01;
pub const STATUS_NO_SUCH_PROC: u8 = 0x02;
pub const STATUS_UNKNOWN: u8 = 0x03;
/// Bytes before the first argument or value.
pub const HEADER_LEN: usize = 11;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Str(String),
}

/// A message as the stubs see it once unmarshalled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    Request {
        id: u32,
        attempt: u8,
        procedure: u8,
        args: Vec<Value>,
    },
    Response {
        id: u32,
        attempt: u8,
        status: u8,
        values: Vec<Value>,
    },
}

pub fn procedure_name(p: u8) -> &'static str {
    match p {
        PROC_PAYMENT => "process_payment",
        PROC_BALANCE => "get_balance",
        _ => "unknown procedure",
    }
}

pub fn status_name(s: u8) -> &'static str {
    match s {
        STATUS_OK => "ok",
        STATUS_DECLINED => "declined (insufficient funds)",
        STATUS_NO_SUCH_PROC => "no such procedure",
        STATUS_UNKNOWN => "unknown card or account",
        _ => "unknown status",
    }
}

/// Cents as "25.00" (or "-3.50").
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

fn put_values(out: &mut Vec<u8>, values: &[Value]) {
    out.push(values.len().min(255) as u8);
    for v in values.iter().take(255) {
        match v {
            Value::Int(i) => {
                out.push(TAG_INT);
                out.extend_from_slice(&8u16.to_be_bytes());
                out.extend_from_slice(&i.to_be_bytes());
            }
            Value::Str(s) => {
                let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
                out.push(TAG_STR);
                out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
                out.extend_from_slice(bytes);
            }
        }
    }
}

fn header(kind: u8, id: u32, attempt: u8, byte9: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(48);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(kind);
    out.extend_from_slice(&id.to_be_bytes());
    out.push(attempt);
    out.push(byte9);
    out
}

/// The client stub: a call as bytes.
pub fn marshal_request(id: u32, attempt: u8, procedure: u8, args: &[Value]) -> Vec<u8> {
    let mut out = header(KIND_REQUEST, id, attempt, procedure);
    put_values(&mut out, args);
    out
}

/// The server stub: a result as bytes.
pub fn marshal_response(id: u32, attempt: u8, status: u8, values: &[Value]) -> Vec<u8> {
    let mut out = header(KIND_RESPONSE, id, attempt, status);
    put_values(&mut out, values);
    out
}

/// Reads bytes front to back without ever indexing out of bounds.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => Err(format!(
                "{what}: needs {n} byte(s) at offset {}, only {} left",
                self.at,
                self.bytes.len().saturating_sub(self.at)
            )),
        }
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// One field of a message, for display: where it lies, its raw bytes, what they mean.
struct Field {
    offset: usize,
    len: usize,
    name: String,
    value: String,
}

/// Decodes step by step, recording every field it reads, so a display can show each one beside its
/// bytes, and a damaged message shows how far decoding got.
fn walk(bytes: &[u8], fields: &mut Vec<Field>) -> Result<Frame, String> {
    let mut r = Reader { bytes, at: 0 };
    let field = |fields: &mut Vec<Field>, offset: usize, len: usize, name: &str, value| {
        fields.push(Field {
            offset,
            len,
            name: name.to_string(),
            value,
        })
    };
    let magic = r.take(2, "magic")?;
    field(
        fields,
        0,
        2,
        "magic",
        format!("\"{}\"", String::from_utf8_lossy(magic)),
    );
    if magic != MAGIC {
        return Err(format!("bad magic {magic:02x?}, expected \"RP\""));
    }
    let version = r.u8("version")?;
    field(fields, 2, 1, "version", version.to_string());
    if version != VERSION {
        return Err(format!("unsupported version {version}"));
    }
    let kind = r.u8("kind")?;
    let kind_name = match kind {
        KIND_REQUEST => "request",
        KIND_RESPONSE => "response",
        _ => "unknown",
    };
    field(fields, 3, 1, "kind", kind_name.to_string());
    if kind != KIND_REQUEST && kind != KIND_RESPONSE {
        return Err(format!("unknown kind {kind:#04x}"));
    }
    let id = r.u32("request id")?;
    field(fields, 4, 4, "request id", id.to_string());
    let attempt = r.u8("attempt")?;
    field(fields, 8, 1, "attempt", attempt.to_string());
    let byte9 = r.u8("procedure/status")?;
    if kind == KIND_REQUEST {
        field(fields, 9, 1, "procedure", procedure_name(byte9).to_string());
    } else {
        field(fields, 9, 1, "status", status_name(byte9).to_string());
    }
    let count = r.u8("count")?;
    field(
        fields,
        10,
        1,
        if kind == KIND_REQUEST {
            "argument count"
        } else {
            "value count"
        },
        count.to_string(),
    );
    let what = if kind == KIND_REQUEST {
        "argument"
    } else {
        "value"
    };
    let mut values = Vec::with_capacity(count as usize);
    for i in 0..count {
        let start = r.at;
        let name = format!("{what} {}", i + 1);
        let tag = r.u8(&name)?;
        let len = r.u16(&name)? as usize;
        let raw = r.take(len, &name)?;
        let v = match tag {
            TAG_INT if len == 8 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(raw);
                Value::Int(i64::from_be_bytes(b))
            }
            TAG_INT => return Err(format!("{name}: an int64 of length {len}, expected 8")),
            TAG_STR => Value::Str(String::from_utf8_lossy(raw).into_owned()),
            _ => return Err(format!("{name}: unknown tag {tag:#04x}")),
        };
        let shown = match &v {
            Value::Int(i) => format!("int64 {i}"),
            Value::Str(s) => format!("string \"{s}\""),
        };
        field(fields, start, 3 + len, &name, shown);
        values.push(v);
    }
    if r.at != bytes.len() {
        return Err(format!(
            "{} unexpected byte(s) after the last {what}",
            bytes.len() - r.at
        ));
    }
    Ok(if kind == KIND_REQUEST {
        Frame::Request {
            id,
            attempt,
            procedure: byte9,
            args: values,
        }
    } else {
        Frame::Response {
            id,
            attempt,
            status: byte9,
            values,
        }
    })
}

/// The stubs' unmarshalling: the frame, or why the bytes do not make one.
pub fn unmarshal(bytes: &[u8]) -> Result<Frame, String> {
    walk(bytes, &mut Vec::new())
}

/// Bytes as spaced hex pairs: "52 50 01".
pub fn hex(bytes: &[u8]) -> String {
    crate::sim::frame::hex(bytes)
}

/// A message's bytes decoded field by field, for the message inspector: each entry names the byte
/// range and the field, and gives the field's bytes in hex and what they mean, e.g.
/// `("4–7 request id", "00 00 00 03 → 3")`. A damaged message decodes as far as it can, then an
/// `"error"` entry says what is wrong. Never panics, whatever the bytes.
pub fn describe_bytes(bytes: &[u8]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let result = walk(bytes, &mut fields);
    let mut out: Vec<(String, String)> = fields
        .iter()
        .map(|f| {
            let range = if f.len == 1 {
                f.offset.to_string()
            } else {
                format!("{}–{}", f.offset, f.offset + f.len - 1)
            };
            let raw = bytes.get(f.offset..f.offset + f.len).unwrap_or(&[]);
            // Long strings: the first bytes are enough to see the pattern.
            let shown = if raw.len() > 12 {
                format!("{} …", hex(&raw[..12]))
            } else {
                hex(raw)
            };
            (
                format!("{range} {}", f.name),
                format!("{shown} → {}", f.value),
            )
        })
        .collect();
    if let Err(e) = result {
        out.push(("error".to_string(), e));
    }
    out
}

/// One line in words: "request #3 attempt 1: process_payment("4000 …", 25.00)".
pub fn summarize(bytes: &[u8]) -> String {
    let show = |v: &Value, money_ints: bool| match v {
        Value::Int(i) if money_ints => money(*i),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => format!("\"{s}\""),
    };
    match unmarshal(bytes) {
        Err(e) => format!("garbled ({e})"),
        Ok(Frame::Request {
            id,
            attempt,
            procedure,
            args,
        }) => {
            let args: Vec<String> = args.iter().map(|v| show(v, true)).collect();
            format!(
                "request #{id} attempt {attempt}: {}({})",
                procedure_name(procedure),
                args.join(", ")
            )
        }
        Ok(Frame::Response {
            id,
            attempt,
            status,
            values,
        }) => {
            let values: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| show(v, !(status == STATUS_OK && values.len() == 2 && i == 0)))
                .collect();
            format!(
                "reply to #{id} attempt {attempt}: {} [{}]",
                status_name(status),
                values.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_is_what_the_stub_produces() {
        let b = marshal_request(
            3,
            1,
            PROC_PAYMENT,
            &[Value::Str("4000 1234 5678 9010".into()), Value::Int(2500)],
        );
        assert_eq!(&hex(&b[..11]), "52 50 01 01 00 00 00 03 01 01 02");
        assert_eq!(&hex(&b[11..17]), "02 00 13 34 30 30");
        assert_eq!(&hex(&b[33..]), "01 00 08 00 00 00 00 00 00 09 c4");
        assert_eq!(b.len(), 44);
        assert_eq!(
            unmarshal(&b),
            Ok(Frame::Request {
                id: 3,
                attempt: 1,
                procedure: PROC_PAYMENT,
                args: vec![Value::Str("4000 1234 5678 9010".into()), Value::Int(2500)],
            })
        );
        let d = describe_bytes(&b);
        assert_eq!(d[3], ("4–7 request id".into(), "00 00 00 03 → 3".into()));
        assert_eq!(
            d[7],
            (
                "11–32 argument 1".into(),
                "02 00 13 34 30 30 30 20 31 32 33 34 … → string \"4000 1234 5678 9010\"".into()
            )
        );
        assert_eq!(d.len(), 9);
        assert_eq!(
            d[8],
            (
                "33–43 argument 2".into(),
                "01 00 08 00 00 00 00 00 00 09 c4 → int64 2500".into()
            )
        );
    }

    #[test]
    fn responses_round_trip() {
        let b = marshal_response(7, 2, STATUS_OK, &[Value::Int(4), Value::Int(15_000)]);
        assert_eq!(
            summarize(&b),
            "reply to #7 attempt 2: ok [4, 150.00]".to_string()
        );
        assert!(matches!(
            unmarshal(&b),
            Ok(Frame::Response {
                id: 7,
                status: STATUS_OK,
                ..
            })
        ));
    }

    #[test]
    fn any_damage_or_truncation_is_an_error_never_a_panic() {
        let b = marshal_request(
            9,
            1,
            PROC_PAYMENT,
            &[Value::Str("card".into()), Value::Int(1)],
        );
        for cut in 0..b.len() {
            assert!(unmarshal(&b[..cut]).is_err(), "truncated at {cut}");
            let d = describe_bytes(&b[..cut]);
            assert_eq!(d.last().map(|f| f.0.as_str()), Some("error"));
        }
        for i in 0..b.len() {
            for bit in 0..8 {
                let mut c = b.clone();
                c[i] ^= 1 << bit;
                let _ = describe_bytes(&c);
                let _ = summarize(&c);
            }
        }
        assert_eq!(money(-350), "-3.50");
    }
}
