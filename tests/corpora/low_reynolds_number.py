"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 03.

Each entry maps a check name to functions with the student's signature (a tuple when a check calls several).
"""

from __future__ import annotations

import math

import numpy as np

# --- reynolds_number -------------------------------------------------------------------------------------


def re_kinematic_swapped(speed_m_s, length_m, density_kg_m3, viscosity_pa_s):
    """Inverts the kinematic viscosity: v L / (η ρ)."""
    return speed_m_s * length_m / (viscosity_pa_s * density_kg_m3)


def re_no_density(speed_m_s, length_m, density_kg_m3, viscosity_pa_s):
    """Forgets the density: v L / η (mixes dynamic and kinematic viscosity)."""
    return speed_m_s * length_m / viscosity_pa_s


def re_inverse(speed_m_s, length_m, density_kg_m3, viscosity_pa_s):
    """Viscous over inertial instead of inertial over viscous."""
    return viscosity_pa_s / (density_kg_m3 * speed_m_s * length_m)


def re_kinematic(speed_m_s, length_m, density_kg_m3, viscosity_pa_s):
    """Alternative correct: v L / ν with ν = η / ρ."""
    nu = viscosity_pa_s / density_kg_m3
    return speed_m_s * length_m / nu


# --- coasting --------------------------------------------------------------------------------------------


def coast_no_four_thirds_pi(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s):
    """Takes the mass as ρ a³, forgetting the 4π/3 of a sphere's volume."""
    tau = density_kg_m3 * radius_m**3 / (6 * math.pi * viscosity_pa_s * radius_m)
    return tau, speed_m_s * tau


def coast_uniform_deceleration(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s):
    """Right τ, but assumes constant deceleration (distance v τ / 2) instead of exponential decay."""
    tau = 2 * density_kg_m3 * radius_m**2 / (9 * viscosity_pa_s)
    return tau, speed_m_s * tau / 2


def coast_diameter(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s):
    """Uses the diameter for the radius in both mass and drag."""
    d = 2 * radius_m
    tau = 2 * density_kg_m3 * d**2 / (9 * viscosity_pa_s)
    return tau, speed_m_s * tau


def coast_swapped(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s):
    """Returns (distance, time) in the wrong order."""
    tau = 2 * density_kg_m3 * radius_m**2 / (9 * viscosity_pa_s)
    return speed_m_s * tau, tau


def coast_from_mass_and_drag(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s):
    """Alternative correct: m from the volume, γ = 6πηa; the drag's impulse ∫γv dt = m·v₀ gives the range."""
    mass = density_kg_m3 * 4 / 3 * math.pi * radius_m**3
    gamma = 6 * math.pi * viscosity_pa_s * radius_m
    return mass / gamma, mass * speed_m_s / gamma


# --- peclet_number / outrun_length -----------------------------------------------------------------------


def pe_inverse(speed, length, D):
    """D / (v L): diffusion over swimming instead of swimming over diffusion."""
    return D / (speed * length)


def pe_half(speed, length, D):
    """v L / (2 D): uses ⟨x²⟩ = 2Dt for the diffusion time."""
    return speed * length / (2 * D)


def pe_time_ratio(speed, length, D):
    """Alternative correct: (time to diffuse L²/D) / (time to swim L/v)."""
    return (length**2 / D) / (length / speed)


def outrun_inverse(D, speed):
    """v / D (not even a length)."""
    return speed / D


def outrun_product(D, speed):
    """D · v."""
    return D * speed


def outrun_squared(D, speed):
    """√(D / v): a mixed-up dimensional guess."""
    return math.sqrt(D / speed)


def outrun_bisection(D, speed):
    """Alternative correct: solves L/v = L²/D for L > 0 by bisection on log10 L."""
    lo, hi = -300.0, 300.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if 1 / speed > 10**mid / D:  # swimming L is still slower than diffusing it
            lo = mid
        else:
            hi = mid
    return 10 ** (0.5 * (lo + hi))


# --- three_sphere_swimmer --------------------------------------------------------------------------------


def _centre_velocity(l1, l2, r1, r2, radius, mu, *, coupling=4.0, which="centre", r13=None, drag_mu=None):
    s = 1 / (6 * math.pi * (mu if drag_mu is None else drag_mu) * radius)

    def o(r):
        return 0.0 if coupling == 0 else 1 / (coupling * math.pi * mu * r)

    d13 = l1 + l2 if r13 is None else r13(l1, l2)
    m = np.array([[s, o(l1), o(d13)], [o(l1), s, o(l2)], [o(d13), o(l2), s]])
    a = np.vstack([m[1] - m[0], m[2] - m[1], np.ones(3)])
    forces = np.linalg.solve(a, [r1, r2, 0.0])
    v = m @ forces
    return v.mean() if which == "centre" else v[0]


def _swim(L1, L2, t, radius, mu, **kw):
    L1, L2, t = (np.asarray(a, dtype=float) for a in (L1, L2, t))
    x = np.zeros(t.size)
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        r1, r2 = (L1[k + 1] - L1[k]) / h, (L2[k + 1] - L2[k]) / h
        vs = [
            _centre_velocity(
                L1[k] + s * (L1[k + 1] - L1[k]), L2[k] + s * (L2[k + 1] - L2[k]), r1, r2, radius, mu, **kw
            )
            for s in (0.0, 0.5, 1.0)
        ]
        x[k + 1] = x[k] + h * (vs[0] + 4 * vs[1] + vs[2]) / 6
    return x


def swim_no_coupling(L1, L2, t, radius, viscosity=1.0):
    """Stokes drag only, no hydrodynamic interaction: the centre never moves."""
    return _swim(L1, L2, t, radius, viscosity, coupling=0)


def swim_transverse_oseen(L1, L2, t, radius, viscosity=1.0):
    """Uses 1/(8πηr), the Oseen coupling for forces perpendicular to the line, instead of 1/(4πηr)."""
    return _swim(L1, L2, t, radius, viscosity, coupling=8.0)


def swim_first_sphere(L1, L2, t, radius, viscosity=1.0):
    """Tracks sphere 1 instead of the mean position of the three spheres."""
    return _swim(L1, L2, t, radius, viscosity, which="first")


def swim_wrong_sign(L1, L2, t, radius, viscosity=1.0):
    """Measures the displacement towards sphere 1 (the opposite sign convention)."""
    return -_swim(L1, L2, t, radius, viscosity)


def swim_outer_distance(L1, L2, t, radius, viscosity=1.0):
    """Takes the distance between spheres 1 and 3 as max(L1, L2) instead of L1 + L2."""
    return _swim(L1, L2, t, radius, viscosity, r13=lambda a, b: max(a, b))


def swim_euler_gradient(L1, L2, t, radius, viscosity=1.0):
    """First order, and arm rates from np.gradient rather than the linear motion between samples."""
    L1, L2, t = (np.asarray(a, dtype=float) for a in (L1, L2, t))
    r1, r2 = np.gradient(L1, t), np.gradient(L2, t)
    v = np.array(
        [_centre_velocity(a, b, c, d, radius, viscosity) for a, b, c, d in zip(L1, L2, r1, r2, strict=True)]
    )
    return np.concatenate([[0.0], np.cumsum(v[:-1] * np.diff(t))])


def swim_midpoint_line_integral(L1, L2, t, radius, viscosity=1.0):
    """Alternative correct: ΔX = g(shape at the midpoint) · Δshape, the line integral in shape space."""
    L1, L2 = np.asarray(L1, dtype=float), np.asarray(L2, dtype=float)
    x = np.zeros(L1.size)
    for k in range(L1.size - 1):
        m1, m2 = 0.5 * (L1[k] + L1[k + 1]), 0.5 * (L2[k] + L2[k + 1])
        g1 = _centre_velocity(m1, m2, 1.0, 0.0, radius, viscosity)
        g2 = _centre_velocity(m1, m2, 0.0, 1.0, radius, viscosity)
        x[k + 1] = x[k] + g1 * (L1[k + 1] - L1[k]) + g2 * (L2[k + 1] - L2[k])
    return x


def swim_velocities_unknown(L1, L2, t, radius, viscosity=1.0):
    """Alternative correct: unknowns are the velocities; forces from the inverse mobility (resistance)."""
    L1, L2, t = (np.asarray(a, dtype=float) for a in (L1, L2, t))

    def centre(l1, l2, r1, r2):
        s = 1 / (6 * math.pi * viscosity * radius)
        o12, o23, o13 = (1 / (4 * math.pi * viscosity * r) for r in (l1, l2, l1 + l2))
        resistance = np.linalg.inv(np.array([[s, o12, o13], [o12, s, o23], [o13, o23, s]]))
        # v = (V1, V1 + r1, V1 + r1 + r2); choose V1 so the total force vanishes
        base = np.array([0.0, r1, r1 + r2])
        ones = np.ones(3)
        v1 = -(resistance @ base).sum() / (resistance @ ones).sum()
        return (v1 * ones + base).mean()

    x = np.zeros(t.size)
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        r1, r2 = (L1[k + 1] - L1[k]) / h, (L2[k + 1] - L2[k]) / h
        mid = centre(0.5 * (L1[k] + L1[k + 1]), 0.5 * (L2[k] + L2[k + 1]), r1, r2)
        x[k + 1] = (
            x[k] + h * (centre(L1[k], L2[k], r1, r2) + 4 * mid + centre(L1[k + 1], L2[k + 1], r1, r2)) / 6
        )
    return x


# --- run_and_tumble --------------------------------------------------------------------------------------


def _sphere(rng, n):
    v = rng.standard_normal((n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _angles_uniform(rng, n):
    theta, phi = rng.uniform(0, np.pi, n), rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)])


def _planar(rng, n):
    phi = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([np.cos(phi), np.sin(phi), np.zeros(n)])


def _rt(
    n_cells,
    t_max,
    dt,
    speed,
    tumble_rate,
    rng,
    gradient,
    bias,
    *,
    draw=_sphere,
    prob=None,
    rule=None,
    step=None,
):
    n_times = int(math.floor(t_max / dt + 1e-9)) + 1
    u = draw(rng, n_cells)
    x = np.zeros((n_cells, n_times, 3))
    for k in range(1, n_times):
        x[:, k] = x[:, k - 1] + (speed * dt if step is None else step) * u
        rate = np.full(n_cells, float(tumble_rate))
        if gradient is not None:
            up = u @ np.asarray(gradient, dtype=float) > 0
            rate = (
                rule(up, tumble_rate, bias) if rule else np.where(up, tumble_rate * (1 - bias), tumble_rate)
            )
        p = prob(rate, dt) if prob else 1 - np.exp(-rate * dt)
        tumble = rng.random(n_cells) < p
        u[tumble] = draw(rng, int(tumble.sum()))
    return x


def rt_angles_uniform(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """New directions with polar angle uniform in [0, π]: they crowd the poles, not uniform on the sphere."""
    return _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias, draw=_angles_uniform)


def rt_planar(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Directions in the x–y plane only (2D tumbles in a 3D array)."""
    return _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias, draw=_planar)


def rt_rate_as_probability(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Tumbles with probability rate per step, forgetting the time step."""
    return _rt(
        n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias, prob=lambda r, d: np.minimum(r, 1)
    )


def rt_step_is_speed(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Moves by speed (not speed · dt) per step."""
    return _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias, step=speed)


def rt_bias_down_gradient(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Suppresses tumbles when moving *down* the gradient (sign error): drifts the wrong way."""
    return _rt(
        n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias,
        rule=lambda up, r, b: np.where(up, r, r * (1 - b)),
    )  # fmt: skip


def rt_bias_everywhere(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Lowers the tumble rate of every cell whatever its direction: no drift, just longer runs."""
    return _rt(
        n_cells,
        t_max,
        dt,
        speed,
        tumble_rate,
        rng,
        gradient,
        bias,
        rule=lambda up, r, b: np.full(up.size, r * (1 - b)),
    )


def rt_more_tumbles_up(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Multiplies the rate by (1 + bias) going up instead of (1 − bias)."""
    return _rt(
        n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias,
        rule=lambda up, r, b: np.where(up, r * (1 + b), r),
    )  # fmt: skip


def rt_no_last_time(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Off by one: floor(t_max/dt) time points, missing t_max."""
    x = _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias)
    return x[:, :-1]


def rt_loop_cells(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Alternative correct: one cell at a time; directions from z uniform in [−1, 1] and a uniform azimuth."""

    def direction():
        z, phi = rng.uniform(-1, 1), rng.uniform(0, 2 * np.pi)
        s = math.sqrt(1 - z * z)
        return np.array([s * math.cos(phi), s * math.sin(phi), z])

    n_times = int(math.floor(t_max / dt + 1e-9)) + 1
    x = np.zeros((n_cells, n_times, 3))
    for c in range(n_cells):
        u = direction()
        for k in range(1, n_times):
            x[c, k] = x[c, k - 1] + speed * dt * u
            rate = tumble_rate
            if gradient is not None and np.dot(u, gradient) > 0:
                rate = tumble_rate * (1 - bias)
            if rng.random() < 1 - math.exp(-rate * dt):
                u = direction()
    return x


def rt_geometric_runs(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Alternative correct: draws each run's number of steps from a geometric distribution."""
    n_times = int(math.floor(t_max / dt + 1e-9)) + 1
    x = np.zeros((n_cells, n_times, 3))
    for c in range(n_cells):
        k = 1
        while k < n_times:
            u = _sphere(rng, 1)[0]
            rate = tumble_rate
            if gradient is not None and np.dot(u, gradient) > 0:
                rate = tumble_rate * (1 - bias)
            p = 1 - math.exp(-rate * dt)
            n_run = rng.geometric(p) if p > 0 else n_times
            for _ in range(n_run):
                if k >= n_times:
                    break
                x[c, k] = x[c, k - 1] + speed * dt * u
                k += 1
    return x


# --- issue 13 hole classes (swimmer and run-and-tumble) -----------------------------------------------------
def swim_left_riemann(L1, L2, t, radius, viscosity=1.0):
    """Linear arms, but V taken at the start of each interval only (forward Euler, first order)."""
    L1, L2, t = (np.asarray(a, dtype=float) for a in (L1, L2, t))
    x = np.zeros(t.size)
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        r1, r2 = (L1[k + 1] - L1[k]) / h, (L2[k + 1] - L2[k]) / h
        x[k + 1] = x[k] + h * _centre_velocity(L1[k], L2[k], r1, r2, radius, viscosity)
    return x


def swim_misplaced_stage(L1, L2, t, radius, viscosity=1.0):
    """Simpson's weights, but the middle stage evaluated at the end of the interval."""
    L1, L2, t = (np.asarray(a, dtype=float) for a in (L1, L2, t))
    x = np.zeros(t.size)
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        r1, r2 = (L1[k + 1] - L1[k]) / h, (L2[k + 1] - L2[k]) / h
        v0 = _centre_velocity(L1[k], L2[k], r1, r2, radius, viscosity)
        v1 = _centre_velocity(L1[k + 1], L2[k + 1], r1, r2, radius, viscosity)
        x[k + 1] = x[k] + h * (v0 + 5 * v1) / 6
    return x


def swim_in_place(L1, L2, t, radius, viscosity=1.0):
    """Right displacement, but shifts the caller's arm arrays in place (L -= L[0], then back by +L[0])."""
    l1_0, l2_0 = float(L1[0]), float(L2[0])
    L1 -= l1_0
    L2 -= l2_0
    x = _swim(L1 + l1_0, L2 + l2_0, t, radius, viscosity)
    L1 += 2 * l1_0  # "restores" the wrong way
    return x


def swim_drag_viscosity_only(L1, L2, t, radius, viscosity=1.0):
    """Puts the viscosity into the Stokes drag but not into the Oseen coupling (depends on viscosity)."""
    return _swim(L1, L2, t, radius, 1.0, drag_mu=viscosity)


def swim_trapezoid(L1, L2, t, radius, viscosity=1.0):
    """Alternative correct (second order): linear arms, trapezoidal rule on each interval."""
    L1, L2, t = (np.asarray(a, dtype=float) for a in (L1, L2, t))
    x = np.zeros(t.size)
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        r1, r2 = (L1[k + 1] - L1[k]) / h, (L2[k + 1] - L2[k]) / h
        v0 = _centre_velocity(L1[k], L2[k], r1, r2, radius, viscosity)
        v1 = _centre_velocity(L1[k + 1], L2[k + 1], r1, r2, radius, viscosity)
        x[k + 1] = x[k] + h * (v0 + v1) / 2
    return x


def rt_global_rng(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Right process, but drawn from NumPy's global generator."""
    return _rt(n_cells, t_max, dt, speed, tumble_rate, np.random.mtrand._rand, gradient, bias)


def rt_fixed_seed(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Right process, but from a generator of its own with a fixed seed."""
    return _rt(n_cells, t_max, dt, speed, tumble_rate, np.random.default_rng(2024), gradient, bias)


def _cube(rng, n):
    v = rng.uniform(-1.0, 1.0, (n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def rt_cube_directions(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Directions normalised from a uniform cube: right mean and second moments, crowded towards corners."""
    return _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias, draw=_cube)


def rt_tumble_then_move(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Tumbles first and moves after, in each step (the contract says move, then tumble)."""
    n_times = int(math.floor(t_max / dt + 1e-9)) + 1
    u = _sphere(rng, n_cells)
    x = np.zeros((n_cells, n_times, 3))
    for k in range(1, n_times):
        rate = np.full(n_cells, float(tumble_rate))
        if gradient is not None:
            up = u @ np.asarray(gradient, dtype=float) > 0
            rate = np.where(up, tumble_rate * (1 - bias), tumble_rate)
        tumble = rng.random(n_cells) < 1 - np.exp(-rate * dt)
        u[tumble] = _sphere(rng, int(tumble.sum()))
        x[:, k] = x[:, k - 1] + speed * dt * u
    return x


def rt_plain_floor(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """n_times = floor(t_max/dt) + 1 without the 1e-9 guard: one sample short when t_max/dt rounds down."""
    x = _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias)
    return x[:, : int(math.floor(t_max / dt)) + 1]


def rt_normalises_gradient_in_place(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """Right process, but normalises the caller's gradient array in place (and scales it)."""
    if gradient is not None:
        gradient /= 2 * np.linalg.norm(gradient)
    return _rt(n_cells, t_max, dt, speed, tumble_rate, rng, gradient, bias)


def rt_reverses_on_tumble(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0):
    """A tumble reverses the direction half of the time and redraws it otherwise (not a fresh direction)."""

    def draw(r, n):
        return _sphere(r, n)

    n_times = int(math.floor(t_max / dt + 1e-9)) + 1
    u = draw(rng, n_cells)
    x = np.zeros((n_cells, n_times, 3))
    for k in range(1, n_times):
        x[:, k] = x[:, k - 1] + speed * dt * u
        rate = np.full(n_cells, float(tumble_rate))
        if gradient is not None:
            up = u @ np.asarray(gradient, dtype=float) > 0
            rate = np.where(up, tumble_rate * (1 - bias), tumble_rate)
        tumble = rng.random(n_cells) < 1 - np.exp(-rate * dt)
        flip = tumble & (rng.random(n_cells) < 0.5)
        redraw = tumble & ~flip
        u[flip] = -u[flip]
        u[redraw] = draw(rng, int(redraw.sum()))
    return x


# --- more slips in Purcell's numbers -----------------------------------------------------------------------
def re_fixed_water(speed_m_s, length_m, density_kg_m3, viscosity_pa_s):
    """Always uses water's kinematic viscosity 1e-6 m²/s, ignoring the given density and viscosity."""
    return speed_m_s * length_m / 1e-6


def re_poise(speed_m_s, length_m, density_kg_m3, viscosity_pa_s):
    """Treats the viscosity as if given in poise (×10 to Pa·s the wrong way)."""
    return density_kg_m3 * speed_m_s * length_m / (10 * viscosity_pa_s)


def coast_energy_time(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s):
    """Reports the kinetic energy's decay time τ/2 as the stopping time."""
    tau = 2 * density_kg_m3 * radius_m**2 / (9 * viscosity_pa_s)
    return tau / 2, speed_m_s * tau


def pe_length_squared(speed, length, D):
    """v·L²/D (the length squared, as in the diffusion time)."""
    return speed * length**2 / D


def pe_no_speed(speed, length, D):
    """The diffusion time L²/D alone, forgetting to divide by the swimming time."""
    return length**2 / D


def pe_square_root(speed, length, D):
    """√(v·L/D): a half-remembered scaling."""
    return math.sqrt(speed * length / D)


def outrun_twice(D, speed):
    """2D/v: puts the 1D Brownian factor of 2 (⟨x²⟩ = 2Dt) into the time comparison."""
    return 2 * D / speed


def outrun_three_d(D, speed):
    """6D/v: the 3D factor of ⟨r²⟩ = 6Dt."""
    return 6 * D / speed


WRONG = {
    "reynolds_number": [re_kinematic_swapped, re_no_density, re_inverse, re_fixed_water, re_poise],
    "coasting": [
        coast_no_four_thirds_pi,
        coast_uniform_deceleration,
        coast_diameter,
        coast_swapped,
        coast_energy_time,
    ],
    "peclet_number": [pe_inverse, pe_half, pe_length_squared, pe_no_speed, pe_square_root],
    "outrun_length": [outrun_inverse, outrun_product, outrun_squared, outrun_twice, outrun_three_d],
    "three_sphere_swimmer": [
        swim_no_coupling,
        swim_transverse_oseen,
        swim_first_sphere,
        swim_wrong_sign,
        swim_outer_distance,
        swim_euler_gradient,
        swim_left_riemann,
        swim_misplaced_stage,
        swim_in_place,
        swim_drag_viscosity_only,
    ],
    "run_and_tumble": [
        rt_angles_uniform,
        rt_planar,
        rt_rate_as_probability,
        rt_step_is_speed,
        rt_bias_down_gradient,
        rt_bias_everywhere,
        rt_more_tumbles_up,
        rt_no_last_time,
        rt_global_rng,
        rt_fixed_seed,
        rt_cube_directions,
        rt_tumble_then_move,
        rt_plain_floor,
        rt_normalises_gradient_in_place,
        rt_reverses_on_tumble,
    ],
}

CORRECT = {
    "reynolds_number": [re_kinematic],
    "coasting": [coast_from_mass_and_drag],
    "peclet_number": [pe_time_ratio],
    "outrun_length": [outrun_bisection],
    "three_sphere_swimmer": [swim_midpoint_line_integral, swim_velocities_unknown, swim_trapezoid],
    "run_and_tumble": [rt_loop_cells, rt_geometric_runs],
}
