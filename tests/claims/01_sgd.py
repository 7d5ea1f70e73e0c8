"""Claims of lesson 1 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run."""

SETUP = """
def f_at_end(name):
    return values[name][-1]

def median_final(run):
    return np.median(run["loss"][:, -1])
"""

SET_UP_CELLS = {"cell-27", "cell-31", "sgd-explorer-intro"}

CLAIMS = {
    # 4.1 ravine
    "При η = 0.05 метод плавно спускается к дну оврага — координата $x_2$ ни разу не меняет знак":
        "np.all(paths['η = 0.05'][:, 1] > 0)",
    "за шаг $x_1$ умножается на $1 - 0.05\\cdot 0.2 = 0.99$":
        "np.isclose(paths['η = 0.05'][1, 0] / paths['η = 0.05'][0, 0], 0.99)",
    "метод на каждом шаге перескакивает на другую стенку, и эти скачки почти не затухают": [
        "np.all(paths['η = 0.49'][1:, 1] * paths['η = 0.49'][:-1, 1] < 0)",
        "abs(paths['η = 0.49'][-1, 1] / paths['η = 0.49'][0, 1]) > 0.05"],
    "Лучшее из трёх значений — η = 0.3":
        "f_at_end('η = 0.3') < min(f_at_end('η = 0.05'), f_at_end('η = 0.49'))",
    "скачки гаснут за пару шагов":
        "abs(paths['η = 0.3'][3, 1]) < 0.01 * abs(paths['η = 0.3'][0, 1])",
    "К шагу 60 при η = 0.3 значение функции на порядки меньше, чем при η = 0.05 и η = 0.49":
        "f_at_end('η = 0.3') < 0.1 * min(f_at_end('η = 0.05'), f_at_end('η = 0.49'))",
    "а при η = 0.52 оно растёт":
        "ravine.f(diverging[-1]) > ravine.f(diverging[0])",
    # 4.2 batch size, 5 seeds
    "около $L \\approx 0.33$ потери долго почти не меняются":
        "np.all(np.abs(np.median(batch_runs['b = 512']['loss'][:, 10:], axis=0) - 0.34) < 0.05)",
    "за 30 эпох с полки не сходит ни при одном зерне":
        "np.all(batch_runs['b = 512']['loss'][:, -1] > 0.3)",
    "$b = 64$ (8 шагов за эпоху) сходит с неё лишь частично":
        "0.05 < median_final(batch_runs['b = 64']) < 0.3",
    "при всех пяти зёрнах сеть уходит с полки за первые эпохи": [
        "np.all(batch_runs['b = 16']['loss'][:, -1] < 0.05)",
        "np.all(batch_runs['b = 4']['loss'][:, -1] < 0.05)",
        "np.all(np.isfinite(time_to_005['b = 16'])) and np.all(np.isfinite(time_to_005['b = 4']))",
        "np.median(np.argmax(batch_runs['b = 4']['loss'] < 0.05, axis=1)) <= 5"],
    "Время обучения от зерна к зерну меняется мало, а от размера батча — сильно":
        "batch_runs['b = 1']['seconds'][:, -1].min() > batch_runs['b = 4']['seconds'][:, -1].max()"
        " > batch_runs['b = 16']['seconds'][:, -1].min()",
    "она во много раз дороже эпохи с $b = 16$":
        "np.median(batch_runs['b = 1']['seconds'][:, -1])"
        " > 5 * np.median(batch_runs['b = 16']['seconds'][:, -1])",
    "по времени до $L < 0.05$ быстрее всех батчи средней величины ($b = 16$ и $b = 4$)": [
        "max(np.nanmedian(time_to_005['b = 16']), np.nanmedian(time_to_005['b = 4'])) "
        "< np.nanmedian(time_to_005['b = 1'])",
        "np.isnan(time_to_005['b = 512']).all() and np.isnan(time_to_005['b = 64']).all()"],
    "разброс потерь на последних эпохах у $b = 1$ больше, чем у $b = 16$":
        "np.median(np.std(np.log(batch_runs['b = 1']['loss'][:, -10:]), axis=1)) > "
        "np.median(np.std(np.log(batch_runs['b = 16']['loss'][:, -10:]), axis=1))",
    # 4.3 learning rate, 5 seeds
    "При η = 0.03 ни одно зерно за 30 эпох не сходит с полки":
        "np.all(lr_runs['η = 0.03']['loss'][:, -1] > 0.3)",
    "При η = 0.1 сеть сходит с полки лишь при части зёрен": [
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] < 0.25)",
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] > 0.3)"],
    "При η = 0.3 с полки сходят все зёрна":
        "np.all(lr_runs['η = 0.3']['loss'][:, -1] < 0.1)",
    "При η = 1 обучение разваливается при всех зёрнах: потери вырастают до сотен":
        "np.all(lr_runs['η = 1.0']['loss'][:, -1] > 100)",
    # 4.4 jitter
    "Точки лежат на теоретической кривой":
        "np.all(np.abs(np.median(jitter_rms, axis=0) / theory_rms - 1) < 0.1)",
    "среднеквадратичное отклонение уменьшается примерно вдвое (как $\\sqrt\\eta$)": [
        "np.all((rms_ratio > 1.8) & (rms_ratio < 2.4))"],
    "а избыток потерь — примерно вчетверо (как η)":
        "np.all((rms_ratio ** 2 > 3.3) & (rms_ratio ** 2 < 5.7))",
    # 4.5 decay, 5 seeds
    "(за эпоху с батчами по 8 их 64)": "len(batches_of(8)(512, np.random.default_rng(0))) == 64",
    "(за первые 10 эпох η уменьшается меньше чем вдвое)": "eta0 / (1 + 640 / tau) > eta0 / 2",
    "при каждом зерне потери в конце ниже, чем с постоянной η":
        "np.all(decay_runs[f'затухающая η = 0.5 / (1 + t/{tau})']['loss'][:, -1] "
        "< decay_runs['постоянная η = 0.5']['loss'][:, -1])",
    "разброс потерь на последних эпохах в несколько раз больше":
        "np.median(wobble(decay_runs['постоянная η = 0.5'])) > "
        "3 * np.median(wobble(decay_runs[f'затухающая η = 0.5 / (1 + t/{tau})']))",
}
