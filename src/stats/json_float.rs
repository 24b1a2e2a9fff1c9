//! Serde for statistics that may be infinite (a t of ±∞ when the differences are constant,
//! an F of +∞ when every dataset ranks the models alike): JSON has no infinity, and
//! serde_json would write `null` and then refuse to read it back. Non-finite values are
//! written as the strings "inf", "-inf" and "nan"; finite ones as numbers.

use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    match *value {
        v if v.is_finite() => serializer.serialize_f64(v),
        v if v.is_nan() => serializer.serialize_str("nan"),
        v if v > 0.0 => serializer.serialize_str("inf"),
        _ => serializer.serialize_str("-inf"),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(f64),
        Text(String),
    }
    match NumberOrText::deserialize(deserializer)? {
        NumberOrText::Number(v) => Ok(v),
        NumberOrText::Text(t) => match t.as_str() {
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            "nan" => Ok(f64::NAN),
            other => Err(serde::de::Error::custom(format!(
                "expected a number, 'inf', '-inf' or 'nan', got '{other}'"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(with = "super")]
        value: f64,
    }

    #[test]
    fn infinities_round_trip_through_json() {
        for value in [1.5, f64::INFINITY, f64::NEG_INFINITY] {
            let json = serde_json::to_string(&Holder { value }).unwrap();
            assert_eq!(
                serde_json::from_str::<Holder>(&json).unwrap(),
                Holder { value }
            );
        }
        assert_eq!(
            serde_json::to_string(&Holder {
                value: f64::INFINITY
            })
            .unwrap(),
            r#"{"value":"inf"}"#
        );
    }
}
