//! The normative reasoner: the Bayesian posterior over hypotheses from the findings revealed, the
//! expected loss of each decision under it, and the expected value of information of an action.

use crate::engine::compiled::Compiled;

/// Most findings one action may look for before the value of information is estimated from the
/// first this many only (2^12 outcomes is already 4,096 posterior updates).
pub const MAX_ENUMERATED: usize = 12;

/// The likelihood of an observation under each hypothesis: p if present, 1 − p if absent.
fn likelihoods(case: &Compiled, finding: usize, present: bool) -> impl Iterator<Item = f64> + '_ {
    case.findings[finding]
        .likely
        .iter()
        .map(move |&p| if present { p } else { 1.0 - p })
}

/// How strongly an observation separates the hypotheses: the spread of its log-likelihoods.
fn strength(case: &Compiled, finding: usize, present: bool) -> f64 {
    let (lo, hi) = likelihoods(case, finding, present)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), l| {
            (lo.min(l), hi.max(l))
        });
    if lo <= 0.0 {
        f64::INFINITY
    } else {
        hi.ln() - lo.ln()
    }
}

/// The posterior over hypotheses given `observed` (finding, present) pairs. Findings are independent
/// given the hypothesis, except that findings sharing a dependency group count once: the group's
/// strongest observation (the first, on ties) stands for it. When the observations rule out every
/// hypothesis (impossible for findings drawn from a truth), the priors are returned.
pub fn posterior(case: &Compiled, priors: &[f64], observed: &[(usize, bool)]) -> Vec<f64> {
    let mut weights = priors.to_vec();
    let mut group_best: Vec<Option<(usize, bool, f64)>> = Vec::new();
    for &(f, present) in observed {
        match case.findings[f].group {
            None => weights
                .iter_mut()
                .zip(likelihoods(case, f, present))
                .for_each(|(w, l)| *w *= l),
            Some(g) => {
                if group_best.len() <= g {
                    group_best.resize(g + 1, None);
                }
                let s = strength(case, f, present);
                if group_best[g].is_none_or(|(_, _, best)| s > best) {
                    group_best[g] = Some((f, present, s));
                }
            }
        }
    }
    for (f, present, _) in group_best.into_iter().flatten() {
        weights
            .iter_mut()
            .zip(likelihoods(case, f, present))
            .for_each(|(w, l)| *w *= l);
    }
    normalise(weights).unwrap_or_else(|| normalise(priors.to_vec()).unwrap_or_default())
}

fn normalise(mut w: Vec<f64>) -> Option<Vec<f64>> {
    let total: f64 = w.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return None;
    }
    w.iter_mut().for_each(|x| *x /= total);
    Some(w)
}

/// The expected loss of each decision under `belief`.
pub fn expected_losses(case: &Compiled, belief: &[f64]) -> Vec<f64> {
    case.decisions
        .iter()
        .map(|d| d.loss.iter().zip(belief).map(|(l, p)| l * p).sum())
        .collect()
}

/// The decision with the least expected loss among `offered` (the first on ties), and that loss.
pub fn best_decision(case: &Compiled, belief: &[f64], offered: &[usize]) -> Option<(usize, f64)> {
    let losses = expected_losses(case, belief);
    offered
        .iter()
        .map(|&d| (d, losses[d]))
        .fold(None, |best, (d, l)| match best {
            Some((_, bl)) if bl <= l => best,
            _ => Some((d, l)),
        })
}

/// Shannon entropy in bits.
pub fn entropy(belief: &[f64]) -> f64 {
    belief
        .iter()
        .filter(|p| **p > 0.0)
        .map(|p| -p * p.log2())
        .sum()
}

/// What looking for some findings is worth now: the expected fall in the least expected loss (value of
/// information) and in entropy (information gain, bits), over every combination of their presence.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InformationValue {
    pub value: f64,
    pub information_gain: f64,
}

/// The value of looking for `findings` given what is already `observed`, under `priors`, choosing
/// among `offered` decisions. Findings already observed add nothing.
pub fn value_of_looking(
    case: &Compiled,
    priors: &[f64],
    observed: &[(usize, bool)],
    findings: &[usize],
    offered: &[usize],
) -> InformationValue {
    let new: Vec<usize> = findings
        .iter()
        .copied()
        .filter(|f| !observed.iter().any(|(o, _)| o == f))
        .take(MAX_ENUMERATED)
        .collect();
    if new.is_empty() || offered.is_empty() {
        return InformationValue::default();
    }
    let now = posterior(case, priors, observed);
    let loss_now = best_decision(case, &now, offered).map_or(0.0, |(_, l)| l);
    let entropy_now = entropy(&now);
    let mut expected_loss = 0.0;
    let mut expected_entropy = 0.0;
    for (chance, after) in outcomes(case, priors, observed, &new) {
        expected_loss += chance * best_decision(case, &after, offered).map_or(0.0, |(_, l)| l);
        expected_entropy += chance * entropy(&after);
    }
    InformationValue {
        value: (loss_now - expected_loss).max(0.0),
        information_gain: (entropy_now - expected_entropy).max(0.0),
    }
}

/// Every way looking for `new` findings could turn out, from here: the chance of each outcome (under
/// the current posterior) and the posterior it would lead to.
pub fn outcomes(
    case: &Compiled,
    priors: &[f64],
    observed: &[(usize, bool)],
    new: &[usize],
) -> Vec<(f64, Vec<f64>)> {
    let new: Vec<usize> = new.iter().copied().take(MAX_ENUMERATED).collect();
    let now = posterior(case, priors, observed);
    let mut with = observed.to_vec();
    let mut out = Vec::new();
    for combo in 0u32..(1 << new.len()) {
        with.truncate(observed.len());
        let mut chance = 0.0;
        for (h, p_h) in now.iter().enumerate() {
            let mut l = *p_h;
            for (bit, &f) in new.iter().enumerate() {
                let p = case.findings[f].likely[h];
                l *= if combo >> bit & 1 == 1 { p } else { 1.0 - p };
            }
            chance += l;
        }
        if chance <= 0.0 {
            continue;
        }
        with.extend(
            new.iter()
                .enumerate()
                .map(|(bit, &f)| (f, combo >> bit & 1 == 1)),
        );
        out.push((chance, posterior(case, priors, &with)));
    }
    out
}

/// Posterior probability from a prior and a likelihood ratio, for two hypotheses.
pub fn update_with_ratio(prior: f64, likelihood_ratio: f64) -> f64 {
    let odds = prior / (1.0 - prior) * likelihood_ratio;
    odds / (1.0 + odds)
}
