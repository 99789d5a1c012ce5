"""The motion detector's per-cell noise model and gain field on their own."""

from __future__ import annotations

import numpy as np

from monitor.gain import GainField
from monitor.noise import CellNoise

GRID, SHAPE = (9, 16), (180, 320)


def test_cell_noise_follows_each_cells_residual_and_one_factor_equals_a_per_pixel_factor():
    rng = np.random.default_rng(1)
    diff = np.abs(rng.normal(0, 1.0, SHAPE)).astype(np.float32)
    diff[:, 160:] *= 4  # the right half is four times as noisy
    uniform = CellNoise(GRID, SHAPE, 0.8, np.full(SHAPE, 5.0, dtype=np.float32))
    per_pixel = np.full(SHAPE, 5.0, dtype=np.float32)
    per_pixel[0, 0] = 1.0e6  # one masked pixel: the factor is applied per pixel
    masked = CellNoise(GRID, SHAPE, 0.8, per_pixel)
    scratch = np.zeros(SHAPE, dtype=np.float32)
    for noise in (uniform, masked):
        noise.start()
        for _ in range(30):
            noise.follow(diff, scratch)
    assert np.allclose(uniform.base[40:, 40:], masked.base[40:, 40:], rtol=1e-5)
    left, right = uniform.level[:, :7].mean(), uniform.level[:, 9:].mean()
    assert 3.0 < right / left < 5.0
    assert masked.base[0, 0] > 1.0e5


def test_cell_noise_rises_slowly_and_falls_fast():
    noise = CellNoise(GRID, SHAPE, 0.8, np.full(SHAPE, 5.0, dtype=np.float32))
    scratch = np.zeros(SHAPE, dtype=np.float32)
    loud = np.full(SHAPE, 10.0, dtype=np.float32)
    noise.follow(loud, scratch)  # not warming: rises by 4 % of the gap
    assert 2.2 < noise.level.mean() < 2.4
    noise.follow(np.zeros(SHAPE, dtype=np.float32), scratch)  # falls by a quarter towards the floor
    assert noise.level.mean() < 2.0


def test_gain_field_follows_a_smooth_light_change_and_masked_cells_take_the_overall_gain():
    rng = np.random.default_rng(2)
    background = rng.uniform(60, 180, SHAPE).astype(np.float32)
    light = np.linspace(0.6, 1.4, SHAPE[1], dtype=np.float32)[None, :].repeat(SHAPE[0], axis=0)
    frame = background * light
    field = GainField(GRID, np.full(SHAPE, 255, dtype=np.uint8))
    overall = field.estimate(frame, background)
    assert abs(overall - 1.0) < 0.05
    assert np.abs(field.field[:, 20:300] - light[:, 20:300]).max() < 0.05
    valid = np.full(SHAPE, 255, dtype=np.uint8)
    valid[:, :100] = 0  # the left third masked off: its cells take the overall gain of the rest
    masked = GainField(GRID, valid)
    overall = masked.estimate(frame * 0 + background * 1.3, background)
    assert abs(overall - 1.3) < 0.01
    assert np.abs(masked.field - 1.3).max() < 0.01
