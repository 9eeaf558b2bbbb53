//! Number vocabulary: digits, number words, scale words, currencies and units.

/// A short ASCII word lower-cased on the stack (vocabulary look-ups without
/// allocating); `None` for long or non-ASCII words, which are in no vocabulary here.
pub struct Lower {
    buf: [u8; 24],
    len: usize,
}

impl Lower {
    /// Lower-cases `w` if it is ASCII and at most 24 bytes long.
    pub fn new(w: &str) -> Option<Lower> {
        if w.len() > 24 || !w.is_ascii() {
            return None;
        }
        let mut buf = [0u8; 24];
        for (d, s) in buf.iter_mut().zip(w.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        Some(Lower { buf, len: w.len() })
    }

    /// The lower-cased word.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// Parses a digit token (`16,000`, `35.6`) into its value.
pub fn parse_digits(s: &str) -> Option<f64> {
    if s.contains(',') {
        s.replace(',', "").parse().ok()
    } else {
        s.parse().ok()
    }
}

/// The value of a number word below a hundred (`three` → 3, `twenty` → 20).
pub fn small_word(w: &str) -> Option<f64> {
    let v = match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    };
    Some(f64::from(v))
}

/// Whether `w` is a tens word that can take a hyphenated unit (`twenty-five`).
pub fn is_tens(w: &str) -> bool {
    matches!(
        w,
        "twenty" | "thirty" | "forty" | "fifty" | "sixty" | "seventy" | "eighty" | "ninety"
    )
}

/// A scale word's multiplier. `short` scales (`m`, `b`, `k`, `bn`, ...) are returned
/// only when `allow_short` (glued to the number or after a currency).
pub fn scale(w: &str, allow_short: bool) -> Option<f64> {
    let lower = Lower::new(w)?;
    let long = match lower.as_str() {
        "thousand" => Some(1e3),
        "million" | "millions" => Some(1e6),
        "billion" | "billions" => Some(1e9),
        "trillion" | "trillions" => Some(1e12),
        "crore" => Some(1e7),
        "lakh" => Some(1e5),
        _ => None,
    };
    if long.is_some() {
        return long;
    }
    if !allow_short {
        return None;
    }
    match lower.as_str() {
        "k" => Some(1e3),
        "m" | "mn" | "mln" | "mio" => Some(1e6),
        "b" | "bn" | "bln" | "mrd" | "mds" | "md" => Some(1e9),
        "t" | "tn" | "trn" => Some(1e12),
        _ => None,
    }
}

/// A currency written as a word after the number (`5 billion euros`).
pub fn currency_word(w: &str) -> Option<&'static str> {
    let l = Lower::new(w)?;
    Some(match l.as_str() {
        "dollar" | "dollars" => "USD",
        "euro" | "euros" => "EUR",
        "pound" | "pounds" | "sterling" => "GBP",
        "yen" => "JPY",
        "yuan" | "renminbi" => "CNY",
        "rupee" | "rupees" => "INR",
        "won" => "KRW",
        "franc" | "francs" => "CHF",
        "krona" | "kronor" | "crown" | "crowns" => "SEK",
        "krone" | "kroner" => "NOK",
        "peso" | "pesos" => "MXN",
        "ringgit" => "MYR",
        "rand" => "ZAR",
        "lira" => "TRY",
        _ => return None,
    })
}

/// The currency a country adjective gives a currency word: "Australian dollars" is
/// AUD, "Swiss francs" CHF, "Danish crowns" DKK; `None` when the adjective does not
/// change the word's own currency.
pub fn currency_adjective(adj: &str, word_currency: &str) -> Option<&'static str> {
    let l = Lower::new(adj)?;
    let dollar = word_currency == "USD";
    let crown = matches!(word_currency, "SEK" | "NOK");
    Some(match l.as_str() {
        "australian" if dollar => "AUD",
        "canadian" if dollar => "CAD",
        "singapore" if dollar => "SGD",
        "taiwan" | "taiwanese" if dollar => "TWD",
        "zealand" if dollar => "NZD",
        "kong" if dollar => "HKD",
        "us" | "american" if dollar => "USD",
        "swedish" if crown => "SEK",
        "norwegian" if crown => "NOK",
        "danish" if crown => "DKK",
        "czech" if crown => "CZK",
        "icelandic" if crown => "ISK",
        "swiss" if word_currency == "CHF" => "CHF",
        "mexican" if word_currency == "MXN" => "MXN",
        "brazilian" if word_currency == "BRL" => "BRL",
        _ => return None,
    })
}

/// An ISO code written as a word (`USD 5 billion`, `5 billion EUR`, `usd`).
pub fn currency_code(w: &str) -> Option<&'static str> {
    if w.len() != 3 {
        return None;
    }
    let up = [0, 1, 2].map(|k| w.as_bytes()[k].to_ascii_uppercase());
    let w = std::str::from_utf8(&up).unwrap_or("");
    Some(match w {
        "TWD" => "TWD",
        "NZD" => "NZD",
        "MXN" => "MXN",
        "ZAR" => "ZAR",
        "USD" => "USD",
        "EUR" => "EUR",
        "GBP" => "GBP",
        "JPY" => "JPY",
        "CNY" | "RMB" => "CNY",
        "INR" => "INR",
        "CHF" => "CHF",
        "CAD" => "CAD",
        "AUD" => "AUD",
        "SGD" => "SGD",
        "HKD" => "HKD",
        "KRW" => "KRW",
        "SEK" => "SEK",
        "NOK" => "NOK",
        "DKK" => "DKK",
        "BRL" => "BRL",
        _ => return None,
    })
}

/// A currency symbol (`$`, `€`, `£`, ...).
pub fn currency_symbol(c: &str) -> Option<&'static str> {
    Some(match c {
        "$" => "USD",
        "€" => "EUR",
        "£" => "GBP",
        "¥" => "JPY",
        "₹" => "INR",
        "₩" => "KRW",
        _ => return None,
    })
}

/// A letter prefix glued to `$` (`US$`, `C$`, `A$`, `S$`, `HK$`, `NZ$`).
pub fn dollar_prefix(w: &str) -> Option<&'static str> {
    let l = Lower::new(w)?;
    Some(match l.as_str() {
        "us" | "u.s." => "USD",
        "nt" => "TWD",
        "c" | "ca" | "cad" => "CAD",
        "a" | "au" | "aud" => "AUD",
        "s" | "sg" => "SGD",
        "hk" => "HKD",
        "nz" => "NZD",
        "r" => "BRL",
        _ => return None,
    })
}

/// A quantity unit written after a number: its symbol, and whether it is a duration.
///
/// Matches case-sensitively for symbols (`GW`, `TB`) and case-insensitively for words.
pub fn quantity_unit(w: &str) -> Option<&'static str> {
    let sym = match w {
        "GW" => Some("GW"),
        "MW" => Some("MW"),
        "kW" | "KW" => Some("kW"),
        "GWh" => Some("GWh"),
        "MWh" => Some("MWh"),
        "TWh" => Some("TWh"),
        "kWh" => Some("kWh"),
        "TB" => Some("TB"),
        "PB" => Some("PB"),
        "GB" => Some("GB"),
        "EB" => Some("EB"),
        "MB" => Some("MB"),
        "GHz" => Some("GHz"),
        "MHz" => Some("MHz"),
        "nm" => Some("nm"),
        "Gbps" => Some("Gbps"),
        "Tbps" => Some("Tbps"),
        "Mbps" => Some("Mbps"),
        "TFLOPS" | "teraflops" => Some("TFLOPS"),
        "PFLOPS" | "petaflops" => Some("PFLOPS"),
        "EFLOPS" | "exaflops" => Some("EFLOPS"),
        "vCPU" | "vCPUs" | "vcpus" | "vCpus" => Some("vCPU"),
        "TW" => Some("TW"),
        "Hz" => Some("Hz"),
        "kHz" => Some("kHz"),
        "mm" => Some("mm"),
        "cm" => Some("cm"),
        "kg" => Some("kg"),
        "km²" => Some("km²"),
        "m²" => Some("m²"),
        "lb" | "lbs" => Some("lb"),
        "mph" => Some("mph"),
        "mpg" => Some("mpg"),
        "hp" => Some("hp"),
        "bhp" => Some("hp"),
        "bbl" => Some("barrel"),
        "ft" => Some("ft"),
        "x" | "X" => Some("x"),
        _ => None,
    };
    if sym.is_some() {
        return sym;
    }
    let l = Lower::new(w)?;
    Some(match l.as_str() {
        "gigawatt" | "gigawatts" => "GW",
        "megawatt" | "megawatts" => "MW",
        "kilowatt" | "kilowatts" => "kW",
        "terawatt" | "terawatts" => "TW",
        "terabyte" | "terabytes" => "TB",
        "petabyte" | "petabytes" => "PB",
        "gigabyte" | "gigabytes" => "GB",
        "exabyte" | "exabytes" => "EB",
        "megabyte" | "megabytes" => "MB",
        "gigahertz" => "GHz",
        "nanometer" | "nanometers" | "nanometre" | "nanometres" => "nm",
        "token" | "tokens" => "token",
        "qubit" | "qubits" => "qubit",
        "acre" | "acres" => "acre",
        "hectare" | "hectares" => "hectare",
        "mile" | "miles" => "mile",
        "kilometer" | "kilometers" | "kilometre" | "kilometres" | "km" => "km",
        "meter" | "meters" | "metre" | "metres" => "m",
        "centimeter" | "centimeters" | "centimetre" | "centimetres" => "cm",
        "millimeter" | "millimeters" | "millimetre" | "millimetres" => "mm",
        "inch" | "inches" => "in",
        "foot" | "feet" => "ft",
        "yard" | "yards" => "yd",
        "barrel" | "barrels" => "barrel",
        "gallon" | "gallons" => "gal",
        "litre" | "litres" | "liter" | "liters" => "l",
        "ton" | "tons" => "t",
        "tonne" | "tonnes" => "t",
        "kilogram" | "kilograms" | "kilo" | "kilos" => "kg",
        "gram" | "grams" => "g",
        "horsepower" => "hp",
        "hertz" => "Hz",
        "megahertz" => "MHz",
        "terawatt-hours" | "terawatt-hour" => "TWh",
        "gigawatt-hours" | "gigawatt-hour" => "GWh",
        "year" | "years" => "year",
        "quarter" | "quarters" => "quarter",
        "month" | "months" => "month",
        "week" | "weeks" => "week",
        "day" | "days" => "day",
        "hour" | "hours" => "hour",
        "minute" | "minutes" => "minute",
        "second" | "seconds" => "second",
        _ => return None,
    })
}

/// Whether a quantity unit is a duration (`year`, `quarter`, `month`, ...).
pub fn is_duration(unit: &str) -> bool {
    matches!(
        unit,
        "year" | "quarter" | "month" | "week" | "day" | "hour" | "minute" | "second"
    )
}

/// A multiple written as one word (`twice`, `fourfold`, `tenfold`).
pub fn multiple_word(w: &str) -> Option<f64> {
    let l = Lower::new(w)?;
    let l = l.as_str();
    match l {
        "twice" => return Some(2.0),
        "thrice" => return Some(3.0),
        _ => {}
    }
    let stem = l.strip_suffix("fold")?;
    if stem == "hundred" {
        return Some(100.0);
    }
    small_word(stem).filter(|v| *v >= 2.0)
}

/// The singular of a counted noun (`employees` → `employee`, `companies` → `company`).
pub fn singular(w: &str) -> String {
    let l = w.to_lowercase();
    match l.as_str() {
        "people" => return "person".into(),
        "men" => return "man".into(),
        "women" => return "woman".into(),
        "children" => return "child".into(),
        "data" | "series" | "news" | "staff" | "personnel" | "analytics" => return l,
        _ => {}
    }
    // Acronym plurals: "GPUs" → "gpu".
    if w.len() > 2 && w.ends_with('s') && w[..w.len() - 1].chars().all(|c| c.is_ascii_uppercase()) {
        return l[..l.len() - 1].to_string();
    }
    if let Some(stem) = l.strip_suffix("ies")
        && l.len() > 4
    {
        return format!("{stem}y");
    }
    for suf in ["ches", "shes", "sses", "xes", "zes"] {
        if l.ends_with(suf) {
            return l[..l.len() - 2].to_string();
        }
    }
    if l.ends_with('s') && !l.ends_with("ss") && !l.ends_with("us") && l.len() > 3 {
        return l[..l.len() - 1].to_string();
    }
    l
}

/// Month number of a month name or abbreviation (`January`, `Jan`, `Sept`).
pub fn month(w: &str) -> Option<u32> {
    Some(match w {
        "January" | "Jan" => 1,
        "February" | "Feb" => 2,
        "March" | "Mar" => 3,
        "April" | "Apr" => 4,
        "May" => 5,
        "June" | "Jun" => 6,
        "July" | "Jul" => 7,
        "August" | "Aug" => 8,
        "September" | "Sep" | "Sept" => 9,
        "October" | "Oct" => 10,
        "November" | "Nov" => 11,
        "December" | "Dec" => 12,
        _ => return None,
    })
}

/// Whether the month name is written out in full.
pub fn is_full_month(w: &str) -> bool {
    w.len() > 4 || matches!(w, "May" | "June" | "July")
}

/// Ordinal words and abbreviations for quarters and halves (`fourth`, `4th`, `first`).
pub fn ordinal(w: &str) -> Option<u32> {
    let l = Lower::new(w)?;
    Some(match l.as_str() {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        _ => return None,
    })
}

/// Days in a month (leap years honoured).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocab() {
        assert_eq!(parse_digits("16,000"), Some(16000.0));
        assert_eq!(parse_digits("35.6"), Some(35.6));
        assert_eq!(scale("bn", true), Some(1e9));
        assert_eq!(scale("bn", false), None);
        assert_eq!(scale("Billion", false), Some(1e9));
        assert_eq!(multiple_word("fourfold"), Some(4.0));
        assert_eq!(multiple_word("manifold"), None);
        assert_eq!(multiple_word("onefold"), None);
        assert_eq!(singular("employees"), "employee");
        assert_eq!(singular("companies"), "company");
        assert_eq!(singular("businesses"), "business");
        assert_eq!(singular("campus"), "campus");
        assert_eq!(quantity_unit("gigawatts"), Some("GW"));
        assert_eq!(quantity_unit("vCPUs"), Some("vCPU"));
        assert_eq!(quantity_unit("xlarge"), None);
        assert_eq!(days_in_month(2028, 2), 29);
    }
}
