//! Qt's normalised C++ type names, as repc writes them into the static API's method signatures.
//!
//! repc first squeezes blanks (its own `normalizeType`, copied from moc) and then applies
//! `QMetaObject`'s normaliser (Qt 6 `QTypeNormalizer`): `const T &` and `const T` become `T`,
//! integer spellings become Qt's (`unsigned int` → `uint`, `long long` → `qlonglong`), `QVector`
//! becomes `QList`, `QPair` becomes `std::pair`, and no blank is kept that C++ does not need.
//! The text is handled as Latin-1, as repc does (other characters become `?`).

/// The normalised form of a C++ type, as repc's `normalizeType` gives it.
pub(crate) fn normalize_type(text: &str) -> String {
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .take_while(|&b| b != 0)
        .collect();
    let squeezed = squeeze_blanks(&latin1);
    let mut normalizer = Normalizer::default();
    normalizer.normalize(&squeezed, 0, squeezed.len(), true, 0);
    normalizer.out.iter().map(|&b| char::from(b)).collect()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Template nesting beyond which the rest of a type is copied as it is (no real type comes near;
/// it bounds the recursion on hostile input).
const MAX_DEPTH: usize = 128;

/// The normaliser's blank (it also takes line breaks).
fn is_space(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n'
}

/// repc's pre-pass: drop leading blanks, and keep one blank only between two identifier
/// characters or between `<` and `:`.
fn squeeze_blanks(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut last = 0u8;
    let mut i = 0;
    while i < text.len() && is_blank(text[i]) {
        i += 1;
    }
    while i < text.len() {
        while i < text.len() && !is_blank(text[i]) {
            last = text[i];
            out.push(last);
            i += 1;
        }
        while i < text.len() && is_blank(text[i]) {
            i += 1;
        }
        if let Some(&next) = text.get(i)
            && ((is_ident(next) && is_ident(last)) || (next == b':' && last == b'<'))
        {
            last = b' ';
            out.push(last);
        }
    }
    out
}

/// Whether `t[b..e]` starts with `token` as a whole word.
fn starts_with_token(t: &[u8], b: usize, e: usize, token: &[u8]) -> bool {
    let end = b + token.len();
    end <= e && &t[b..end] == token && (end == e || !is_ident(t[end]))
}

/// Skips `token` and the blanks after it.
fn skip_token(t: &[u8], x: &mut usize, e: usize, token: &[u8]) -> bool {
    if !starts_with_token(t, *x, e, token) {
        return false;
    }
    *x += token.len();
    while *x < e && is_space(t[*x]) {
        *x += 1;
    }
    true
}

/// Skips a quoted literal starting at `x`.
fn skip_string(t: &[u8], mut x: usize, e: usize) -> usize {
    let delimiter = t[x];
    x += 1;
    while x < e && t[x] != delimiter {
        if t[x] == b'\\' {
            x += 1;
            if x >= e {
                return e;
            }
        }
        x += 1;
    }
    if x < e {
        x += 1;
    }
    x
}

/// The end of a template argument starting at `x`: the `>` closing it, or (with
/// `stop_at_comma`) a `,` at the same level, or `e`.
fn skip_template(t: &[u8], mut x: usize, e: usize, stop_at_comma: bool) -> usize {
    let mut scope_depth = 0i32;
    let mut template_depth = 0i32;
    while x < e {
        match t[x] {
            b'<' if scope_depth == 0 => template_depth += 1,
            b',' if stop_at_comma && scope_depth == 0 && template_depth == 0 => return x,
            b'>' if scope_depth == 0 => {
                template_depth -= 1;
                if template_depth < 0 {
                    return x;
                }
            }
            b'(' | b'[' | b'{' => scope_depth += 1,
            b')' | b']' | b'}' => scope_depth -= 1,
            b'\'' if x > 0 && t[x - 1].is_ascii_digit() => {}
            b'\'' | b'"' => {
                x = skip_string(t, x, e);
                continue;
            }
            _ => {}
        }
        x += 1;
    }
    x
}

#[derive(Default)]
struct Normalizer {
    out: Vec<u8>,
    last: u8,
}

impl Normalizer {
    fn append(&mut self, c: u8) {
        self.last = c;
        self.out.push(c);
    }

    fn append_str(&mut self, s: &[u8]) {
        for &c in s {
            self.append(c);
        }
    }

    /// `long`, `int`, `short`, `unsigned`, `signed`, `char` in any order → Qt's spelling.
    fn integer_types(&mut self, t: &[u8], b: &mut usize, e: usize) {
        let (mut long, mut signed, mut unsigned, mut int, mut short, mut char_) =
            (0, 0, 0, 0, 0, 0);
        while *b < e {
            if skip_token(t, b, e, b"long") {
                long += 1;
            } else if skip_token(t, b, e, b"int") {
                int += 1;
            } else if skip_token(t, b, e, b"short") {
                short += 1;
            } else if skip_token(t, b, e, b"unsigned") {
                unsigned += 1;
            } else if skip_token(t, b, e, b"signed") {
                signed += 1;
            } else if skip_token(t, b, e, b"char") {
                char_ += 1;
            } else {
                break;
            }
        }
        if long == 2 {
            self.append(b'q');
        }
        if signed > 0 && char_ > 0 {
            self.append_str(b"signed ");
        } else if unsigned > 0 {
            self.append(b'u');
        }
        if char_ > 0 {
            self.append_str(b"char");
        } else if short > 0 {
            self.append_str(b"short");
        } else if long == 1 {
            self.append_str(b"long");
        } else if long == 2 {
            self.append_str(b"longlong");
        } else if unsigned > 0 || signed > 0 || int > 0 {
            self.append_str(b"int");
        }
    }

    /// `QTypeNormalizer::normalizeType` over `t[b..e]`.
    fn normalize(
        &mut self,
        t: &[u8],
        mut b: usize,
        mut e: usize,
        adjust_const: bool,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.append_str(&t[b.min(e)..e]);
            return;
        }
        while b < e && is_space(t[b]) {
            b += 1;
        }
        while b < e && is_space(t[e - 1]) {
            e -= 1;
        }
        if b >= e {
            return;
        }

        // A `const` in the middle (`char const *`) moves to the front.
        let mut cst = b + 1;
        if t[b] == b'\'' || t[b] == b'"' {
            cst = skip_string(t, b, e);
        }
        let mut seen_star = false;
        let mut middle_const = false;
        while cst < e {
            if t[cst] == b'"' || (t[cst] == b'\'' && !t[cst - 1].is_ascii_digit()) {
                cst = skip_string(t, cst, e);
                if cst >= e {
                    break;
                }
            }
            if matches!(t[cst], b'&' | b'*' | b'[') {
                seen_star = t[cst] != b'&' || cst != e - 1;
                break;
            }
            if t[cst] == b'<' {
                cst = skip_template(t, cst + 1, e, false);
                if cst >= e {
                    break;
                }
            }
            cst += 1;
            let mut skipped = cst;
            if !is_ident(t[cst - 1]) && skip_token(t, &mut skipped, e, b"const") {
                let mut test_end = e;
                while skipped < test_end {
                    test_end -= 1;
                    let c = t[test_end];
                    if c == b'*' || c == b'[' || (c == b'&' && test_end != e - 1) {
                        seen_star = true;
                        break;
                    }
                    if c == b'>' {
                        break;
                    }
                }
                if adjust_const && !seen_star {
                    if t[e - 1] == b'&' {
                        e -= 1;
                    }
                } else {
                    self.append_str(b"const ");
                }
                self.normalize(t, b, cst, false, depth + 1);
                b = skipped;
                middle_const = true;
                break;
            }
        }
        if skip_token(t, &mut b, e, b"const") {
            if adjust_const && !seen_star {
                if e > b && t[e - 1] == b'&' {
                    e -= 1;
                }
            } else {
                self.append_str(b"const ");
            }
        }
        if seen_star && adjust_const {
            // A trailing `const` (after `*`) is dropped.
            let mut x = e;
            if e >= 2 && t[e - 1] == b'&' && t[e - 2] != b'&' {
                x -= 1;
            }
            while b < x && is_space(t[x - 1]) {
                x -= 1;
            }
            let reversed = b"tsnoc";
            let mut matched = 0;
            while matched < reversed.len() && b < x {
                x -= 1;
                let equal = t[x] == reversed[matched];
                matched += 1;
                if !equal {
                    break;
                }
            }
            if matched == reversed.len() && b < x && !is_ident(t[x - 1]) {
                while b < x && is_space(t[x - 1]) {
                    x -= 1;
                }
                e = x;
            }
        }

        let _ = skip_token(t, &mut b, e, b"struct")
            || skip_token(t, &mut b, e, b"class")
            || skip_token(t, &mut b, e, b"enum");
        if skip_token(t, &mut b, e, b"QVector") {
            self.append_str(b"QList");
        }
        if skip_token(t, &mut b, e, b"QPair") {
            self.append_str(b"std::pair");
        }
        if !middle_const {
            self.integer_types(t, &mut b, e);
        }

        let mut space_skipped = true;
        while b < e {
            let c = t[b];
            b += 1;
            if is_space(c) {
                space_skipped = true;
            } else if (c == b'\'' && !self.last.is_ascii_digit()) || c == b'"' {
                let end = skip_string(t, b - 1, e);
                for &literal in &t[b - 1..end] {
                    self.append(literal);
                }
                b = end;
            } else {
                if space_skipped && is_ident(self.last) && is_ident(c) {
                    self.append(b' ');
                }
                self.append(c);
                space_skipped = false;
                if c == b'<' {
                    loop {
                        let end = skip_template(t, b, e, true);
                        self.normalize(t, b, end, false, depth + 1);
                        if end >= e {
                            return;
                        }
                        self.append(t[end]);
                        b = end + 1;
                        if t[end] != b',' {
                            break;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_type;

    #[test]
    fn qt_normal_forms() {
        for (input, expected) in [
            ("const QString &", "QString"),
            ("QString &", "QString&"),
            ("const QList<ExtPOD> &", "QList<ExtPOD>"),
            ("QMap<QString, QString>", "QMap<QString,QString>"),
            ("QMap<QString , int>", "QMap<QString,int>"),
            ("unsigned int", "uint"),
            ("unsigned", "uint"),
            ("long long", "qlonglong"),
            ("unsigned long long int", "qulonglong"),
            ("signed char", "signed char"),
            ("unsigned char", "uchar"),
            ("short int", "short"),
            ("long double", "long double"),
            ("const char *", "const char*"),
            ("char const *", "const char*"),
            ("QVector<int>", "QList<int>"),
            ("QPair<int, int>", "std::pair<int,int>"),
            ("QList<QList<int>>", "QList<QList<int>>"),
            (
                "Test::MyNamespace::MyNamespacePod",
                "Test::MyNamespace::MyNamespacePod",
            ),
            ("const Temperature::Ptr &", "Temperature::Ptr"),
            ("int * const", "int*"),
            ("struct Foo", "Foo"),
            ("", ""),
        ] {
            assert_eq!(normalize_type(input), expected, "{input:?}");
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!("{}int{}", "QList<".repeat(10_000), ">".repeat(10_000));
        assert_eq!(normalize_type(&deep).len(), deep.len());
    }
}
