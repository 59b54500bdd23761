//! Calibration: how well stated probabilities match what turned out to be true. One playthrough is
//! too few judgements to say much; the trainee's record accumulates these across sessions.

use serde::Serialize;

/// Brier scores and reliability for a set of judgements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub judgements: usize,
    /// Mean over judgements of the squared error summed over hypotheses (0 is perfect, 2 is worst).
    pub brier: f64,
    /// The same score for stating the prior every time.
    pub brier_prior: f64,
    /// 1 − brier / brier_prior: above 0 is better than the base rate alone.
    pub skill: Option<f64>,
    /// Ten bins of stated probability: (bin centre, how many, how often true).
    pub reliability: Vec<(f64, usize, f64)>,
}

/// Scores judgements (each a spread over hypotheses) against the true hypothesis.
pub fn calibration(judgements: &[Vec<f64>], truth: usize, priors: &[f64]) -> Calibration {
    calibration_of(judgements.iter().map(|j| (j.as_slice(), truth, priors)))
}

/// Scores judgements from many playthroughs: (spread, truth, priors) each.
pub fn calibration_of<'a>(
    items: impl Iterator<Item = (&'a [f64], usize, &'a [f64])>,
) -> Calibration {
    let brier_of = |p: &[f64], truth: usize| -> f64 {
        p.iter()
            .enumerate()
            .map(|(h, x)| (x - if h == truth { 1.0 } else { 0.0 }).powi(2))
            .sum()
    };
    let mut n = 0;
    let (mut brier, mut brier_prior) = (0.0, 0.0);
    let mut bins = [(0usize, 0usize); 10];
    for (p, truth, priors) in items {
        n += 1;
        brier += brier_of(p, truth);
        brier_prior += brier_of(priors, truth);
        for (h, x) in p.iter().enumerate() {
            let bin = ((x * 10.0).floor() as usize).min(9);
            bins[bin].0 += 1;
            bins[bin].1 += usize::from(h == truth);
        }
    }
    let (brier, brier_prior) = if n == 0 {
        (0.0, 0.0)
    } else {
        (brier / n as f64, brier_prior / n as f64)
    };
    Calibration {
        judgements: n,
        brier,
        brier_prior,
        skill: (n > 0 && brier_prior > 0.0).then(|| 1.0 - brier / brier_prior),
        reliability: bins
            .iter()
            .enumerate()
            .filter(|(_, b)| b.0 > 0)
            .map(|(i, b)| (i as f64 / 10.0 + 0.05, b.0, b.1 as f64 / b.0 as f64))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brier_scores_by_hand() {
        // Stated 70/30 with the first true: (0.3)^2 + (0.3)^2 = 0.18. Prior 50/50: 0.5.
        let c = calibration(&[vec![0.7, 0.3]], 0, &[0.5, 0.5]);
        assert!((c.brier - 0.18).abs() < 1e-12);
        assert!((c.brier_prior - 0.5).abs() < 1e-12);
        assert!((c.skill.unwrap() - 0.64).abs() < 1e-12);
        assert_eq!(c.reliability, vec![(0.35, 1, 0.0), (0.75, 1, 1.0)]);
        assert_eq!(calibration(&[], 0, &[0.5, 0.5]).skill, None);
    }
}
