"""The monthly loop: arrivals, pay, job changes, short gaps, departures and returns."""

import numpy as np

from synthetic.calendar import spring_festival_term
from synthetic.employers import choose_employers
from synthetic.events import EVENTS
from synthetic.hazard import HazardParams, static_log_hazard, subsidy_log_hazard, to_probability
from synthetic.policies import lump_in_service
from synthetic.population import FLEX

EDU_PAY = np.array([2.0, 1.5, 1.15, 0.95, 1.35], dtype=np.float32)
NOT_ARRIVED, PRESENT, GAP, AWAY, RETURNED, GONE = 0, 1, 2, 3, 4, 5


def city_base(t: int) -> float:
    """Average contribution base in month t: 4,200 yuan in 2016, +6% each July."""
    return 4200.0 * 1.06 ** ((t + 6) // 12)


def _varying_log_hazard(
    p: HazardParams, t: int, idx: np.ndarray, e: np.ndarray, pop: dict, emp: dict, events: dict,
    main: dict, lumps: dict, indiv: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Log-hazard terms that change with time for talents idx at employers e in month t."""
    age = pop["age_at_arrival"][idx] + (t - pop["arrival"][idx]) / 12.0
    eta = np.clip(p.age_per_year * (age - 28.0), -0.6, 0.4).astype(np.float32)
    eta += p.first_six_months * ((t - pop["arrival"][idx]) <= 6)
    eta += subsidy_log_hazard(p, main["start"][idx], main["end"][idx], t)
    eta += p.lump_in_service * lump_in_service({k: v[idx] for k, v in lumps.items()}, t)
    for k, name in enumerate(EVENTS):
        ev = events[name][idx]
        eta += p.ties[k] * ((ev >= 0) & (ev < t))
    eta += p.pay * (np.log(emp["pay"][e]) + indiv[idx])
    eta += p.shrinking_employer * ((emp["shrink_start"][e] <= t) & (t < emp["shrink_end"][e]))
    return eta


def simulate_careers(
    rng: np.random.Generator, pop: dict, emp: dict, events: dict, main: dict, lumps: dict,
    last_hazard_month: int, p: HazardParams, observe=None,
    shell_rng: np.random.Generator | None = None,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Run months 0..last_hazard_month+2; hazards and departures stop after last_hazard_month.

    `observe(t, idx, eta, closing)`, when given, sees each month's log hazards (counterfactual.py).
    With shell employers (emp["shell"], drawn only when p.shell_share > 0), `shell_rng` draws
    whether and how long a shell keeps paying for a talent who has left (its own generator,
    so a world without shells draws exactly what it did; with them, a return moved by a shell's
    months changes the later draws of the loop). "first_dep" is the month
    the talent left the city; "observed_dep" the month the registry's rule sees (the same,
    unless a shell paid on).
    """
    n = len(pop["arrival"])
    n_full = last_hazard_month + 3
    frailty = rng.normal(0.0, p.frailty_sd, n).astype(np.float32)
    static = static_log_hazard(p, pop, frailty, events["married_before"])
    indiv = rng.normal(0.0, 0.15, n).astype(np.float32)  # log pay relative to peers
    state = np.zeros(n, dtype=np.int8)
    cur = np.full(n, -1, dtype=np.int32)
    first_emp = np.full(n, -1, dtype=np.int32)
    gap_end = np.zeros(n, dtype=np.int32)
    return_at = np.full(n, -1, dtype=np.int32)
    first_dep = np.full(n, -1, dtype=np.int32)
    return_month = np.full(n, -1, dtype=np.int32)
    shock_until = np.zeros(n, dtype=np.int32)
    paid_prev = np.zeros(n, dtype=bool)
    shell = emp.get("shell")
    shell_until = np.zeros(n, dtype=np.int32)  # a shell pays for a gone talent until this month
    observed_dep = np.full(n, -1, dtype=np.int32)
    hk = []  # per hz chunk: the chance a shell would keep paying a departure that month
    flex = pop["program"] == FLEX
    sf = spring_festival_term(n_full, p.spring_first, p.spring_second)
    si, hz = [], []
    for t in range(n_full):
        in_horizon = t <= last_hazard_month
        arrive = np.flatnonzero((pop["arrival"] == t) & ~flex)
        state[arrive] = PRESENT
        cur[arrive] = first_emp[arrive] = choose_employers(rng, pop["county"][arrive], emp, t)
        back = np.flatnonzero((state == AWAY) & (return_at == t))
        state[back], return_month[back] = RETURNED, t
        cur[back] = choose_employers(rng, pop["county"][back], emp, t)
        resume = np.flatnonzero((state == GAP) & (gap_end == t))
        state[resume] = PRESENT
        move = resume[(rng.random(len(resume)) < 0.6) | (emp["close"][cur[resume]] <= t)]
        cur[move] = choose_employers(rng, pop["county"][move], emp, t)

        # The hazard, for those who paid last month and have not left yet.
        idx = np.flatnonzero((state == PRESENT) & paid_prev)
        e = cur[idx]
        closing = emp["close"][e] == t
        new_shock = rng.random(len(idx)) < p.shock_rate
        shock_until[idx[new_shock]] = t + p.shock_months
        eta = static[idx] + sf[t] + p.shock_size * (shock_until[idx] > t)
        eta += _varying_log_hazard(p, t, idx, e, pop, emp, events, main, lumps, indiv)
        if observe is not None:  # reads only: no random number is drawn for it
            observe(t, idx, eta, closing)
        h = to_probability(p, eta)
        h = np.where(closing, np.maximum(h, p.closure_probability), h).astype(np.float32)
        if not in_horizon:
            h[:] = 0.0
        u = rng.random(len(idx))
        dep = u < h
        gap = ~dep & ~closing & (u < h + p.gap_rate) & in_horizon
        if in_horizon:
            gap_idx = np.flatnonzero((state == PRESENT) & ~paid_prev | (state == GAP))
            # After the first departure, keep the hazard the talent would have had had they
            # stayed (last employer, same clocks and ties), for 12 months: the oracle's window
            # must not be cut short by the very event it predicts, or leavers look safe.
            ghost = np.flatnonzero((first_dep >= 0) & (first_dep < t) & (t - first_dep <= 12))
            ghost_eta = static[ghost] + sf[t] + p.shock_size * (shock_until[ghost] > t)
            ghost_eta += _varying_log_hazard(
                p, t, ghost, cur[ghost], pop, emp, events, main, lumps, indiv
            )
            if observe is not None:
                observe(t, ghost, ghost_eta, emp["close"][cur[ghost]] == t)
            ghost_h = to_probability(p, ghost_eta)
            ghost_h = np.where(
                emp["close"][cur[ghost]] == t, np.maximum(ghost_h, p.closure_probability), ghost_h
            )
            if shell is not None:
                hk.append(
                    np.concatenate(
                        [
                            p.shell_keep * shell[cur[idx]],
                            np.zeros(len(gap_idx)),
                            p.shell_keep * shell[cur[ghost]],
                        ]
                    ).astype(np.float32)
                )
            hz.append(
                (
                    np.concatenate([idx, gap_idx, ghost]),
                    t,
                    np.concatenate(
                        [np.ones(len(idx), np.int8), np.zeros(len(gap_idx) + len(ghost), np.int8)]
                    ),
                    np.concatenate(
                        [h, np.zeros(len(gap_idx), np.float32), ghost_h.astype(np.float32)]
                    ),
                )
            )
        gone = idx[dep]
        first_dep[gone], state[gone] = t, AWAY
        local = pop["hometown"][gone] == 0
        comes_back = rng.random(len(gone)) < np.where(local, 0.18, 0.08)
        return_at[gone] = np.where(comes_back, t + 5 + rng.geometric(1 / 12, len(gone)), -1)
        observed_dep[gone] = t
        if shell is not None:  # the shell pays on from month t; the rule sees the stop
            at_shell = gone[shell[cur[gone]]]
            kept = at_shell[shell_rng.random(len(at_shell)) < p.shell_keep]
            until = np.minimum(t + shell_rng.geometric(p.shell_stop, len(kept)), last_hazard_month)
            shell_until[kept], observed_dep[kept] = until, until
            return_at[kept] = np.where(return_at[kept] >= 0, return_at[kept] + until - t, -1)
        gap_idx = idx[gap]
        state[gap_idx] = GAP
        gap_end[gap_idx] = t + 1 + (rng.random(len(gap_idx)) < 0.4)

        # Returned talents may leave again (not the predicted event).
        ret = np.flatnonzero(state == RETURNED)
        state[ret[rng.random(len(ret)) < 0.008]] = GONE

        # Job changes inside the city: more after Spring Festival, at shrinking firms, forced at closure.
        pay_idx = np.flatnonzero((state == PRESENT) | (state == RETURNED))
        e = cur[pay_idx]
        rate = p.job_change_rate * (1.0 + 1.3 * (sf[t] > 0))
        rate = rate * np.where((emp["shrink_start"][e] <= t) & (t < emp["shrink_end"][e]), 3.0, 1.0)
        movers = pay_idx[(rng.random(len(pay_idx)) < rate) | (emp["close"][e] <= t)]
        movers = movers[pop["arrival"][movers] != t]
        cur[movers] = choose_employers(rng, pop["county"][movers], emp, t)
        indiv[movers] += rng.normal(0.05, 0.08, len(movers)).astype(np.float32)
        if t % 12 == 6:
            indiv += rng.normal(0.0, 0.04, n).astype(np.float32)
        e = cur[pay_idx]
        base = (
            city_base(t)
            * EDU_PAY[pop["education"][pay_idx]]
            * emp["pay"][e]
            * np.exp(indiv[pay_idx])
        )
        base = np.round(np.maximum(base, 0.6 * city_base(t)))
        if shell is not None:  # paid at the floor base by the shell, for someone who is gone
            kept = np.flatnonzero((state == AWAY) & (shell_until > t))
            pay_idx, e = np.concatenate([pay_idx, kept]), np.concatenate([e, cur[kept]])
            base = np.concatenate([base, np.full(len(kept), np.round(0.6 * city_base(t)))])
        si.append((pay_idx.astype(np.int32), t, e, base.astype(np.float32)))
        paid = np.zeros(n, dtype=bool)
        paid[pay_idx] = True
        paid_prev = paid
    return {
        "si": si, "hz": hz, "first_dep": first_dep, "return_month": return_month,
        "first_emp": first_emp, "frailty": frailty, "observed_dep": observed_dep,
        "hk": hk,
    }  # fmt: skip
