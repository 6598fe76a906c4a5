//! The Prometheus text exposition format (version 0.0.4), written by hand: a handful of
//! families rendered from a snapshot taken at scrape time, which a registry of live
//! metric objects would only get in the way of.

use std::fmt::{Display, Write};

pub(crate) const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Default)]
pub(crate) struct Exposition {
    text: String,
}

#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

impl Exposition {
    /// Starts a metric family: its help and type lines.
    pub(crate) fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {}", help.replace('\\', "\\\\").replace('\n', "\\n"));
        let _ = writeln!(self.text, "# TYPE {name} {}", kind.name());
    }

    /// One sample of the current family.
    pub(crate) fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (index, (label, value)) in labels.iter().enumerate() {
                if index > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{label}=\"{}\"", escape(value));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {value}");
    }

    /// A family with a single unlabelled sample.
    pub(crate) fn single(&mut self, name: &str, kind: Kind, help: &str, value: impl Display) {
        self.family(name, kind, help);
        self.sample(name, &[], value);
    }

    pub(crate) fn finish(self) -> String {
        self.text
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_and_families_carry_help_and_type() {
        let mut text = Exposition::default();
        text.family("ccgw_x_total", Kind::Counter, "What x counts.");
        text.sample("ccgw_x_total", &[("path", "a\"b\\c\nd"), ("code", "0")], 3);
        text.single("ccgw_y", Kind::Gauge, "Y.", 1.5);
        assert_eq!(
            text.finish(),
            "# HELP ccgw_x_total What x counts.\n# TYPE ccgw_x_total counter\n\
             ccgw_x_total{path=\"a\\\"b\\\\c\\nd\",code=\"0\"} 3\n\
             # HELP ccgw_y Y.\n# TYPE ccgw_y gauge\nccgw_y 1.5\n"
        );
    }
}
