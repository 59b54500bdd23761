//! A judgement's spread of 100% across hypotheses, in whole percentages: moving one rebalances the
//! others in proportion, so the spread always adds up to exactly 100.

/// Sets `values[changed]` to `new` (clamped to 0..=100) and rescales the others in proportion so
/// the total is exactly 100. When the others are all zero, the remainder is shared equally.
pub fn rebalance(values: &mut [u32], changed: usize, new: u32) {
    if changed >= values.len() {
        return;
    }
    let new = new.min(100);
    values[changed] = new;
    let others: Vec<usize> = (0..values.len()).filter(|&i| i != changed).collect();
    if others.is_empty() {
        values[changed] = 100;
        return;
    }
    let remaining = 100 - new;
    let total: u64 = others.iter().map(|&i| u64::from(values[i])).sum();
    let weights: Vec<u64> = if total == 0 {
        vec![1; others.len()]
    } else {
        others.iter().map(|&i| u64::from(values[i])).collect()
    };
    let weight_sum: u64 = weights.iter().sum();
    let shares = largest_remainder(&weights, weight_sum, u64::from(remaining));
    for (&i, share) in others.iter().zip(shares) {
        values[i] = share as u32;
    }
}

/// Splits `amount` in proportion to `weights` into whole numbers that add up to `amount`.
fn largest_remainder(weights: &[u64], weight_sum: u64, amount: u64) -> Vec<u64> {
    let mut shares: Vec<u64> = weights.iter().map(|w| w * amount / weight_sum).collect();
    let short = amount - shares.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(weights[i] * amount % weight_sum), i));
    for &i in order.iter().take(short as usize) {
        shares[i] += 1;
    }
    shares
}

/// An even spread to start from: the priors, rounded to whole percentages adding up to 100.
pub fn from_probabilities(probabilities: &[f64]) -> Vec<u32> {
    let weights: Vec<u64> = probabilities
        .iter()
        .map(|p| (p.clamp(0.0, 1.0) * 1_000_000.0).round() as u64)
        .collect();
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        return largest_remainder(
            &vec![1; probabilities.len()],
            probabilities.len().max(1) as u64,
            100,
        )
        .into_iter()
        .map(|x| x as u32)
        .collect();
    }
    largest_remainder(&weights, sum, 100)
        .into_iter()
        .map(|x| x as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_one_rescales_the_others_in_proportion() {
        let mut v = vec![20, 60, 20];
        rebalance(&mut v, 0, 60);
        assert_eq!(v, vec![60, 30, 10]);
        rebalance(&mut v, 1, 100);
        assert_eq!(v, vec![0, 100, 0]);
        rebalance(&mut v, 1, 40);
        assert_eq!(
            v,
            vec![30, 40, 30],
            "others all zero share the rest equally"
        );
    }

    #[test]
    fn priors_round_to_a_hundred() {
        assert_eq!(from_probabilities(&[1.0 / 3.0; 3]).iter().sum::<u32>(), 100);
        assert_eq!(from_probabilities(&[0.1, 0.8, 0.1]), vec![10, 80, 10]);
        assert_eq!(from_probabilities(&[0.0, 0.0]), vec![50, 50]);
    }
}
