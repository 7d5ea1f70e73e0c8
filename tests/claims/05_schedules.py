"""Claims of lesson 5 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run."""

SETUP = """
def tail(name):
    return np.median(noise_runs[name][:, 301:].mean(axis=1))

def noise_at(name, t):
    return np.median(noise_runs[name][:, t])

def range_loss(lr):
    return np.median(range_losses, axis=0)[np.argmin(np.abs(range_lrs - lr))]

def decay_at(name, t, coordinate):
    return np.median(decay_runs[name][:, t, coordinate])

def epoch_median(name, epoch):
    return np.median(compare_runs[name]["accuracy"][:, epoch])

def finals(name):
    return compare_runs[name]["accuracy"][:, -1]

C05, C5 = "постоянное η = 0.05", "постоянное η = 0.5"
H, R = "η = 0.5 / (1 + t/20)", "косинус от 0.5 до 0"
"""

SET_UP_CELLS = {"exp-noise-intro", "exp-shapes-intro", "exp-warmup-intro", "exp-range-intro",
                "exp-decay-intro", "exp-explorer-intro"}

CLAIMS = {
    # 4.1 noisy gradient, 10 seeds
    "При постоянном η = 0.5 потери уже к шагу 20 падают до «полки» около 1.7 и дальше не "
    "опускаются": [
        "noise_at(C5, 20) < 2.5 and abs(tail(C5) - 1.7) < 0.2",
        "0.75 < np.median(noise_runs[C5][:, 20:60]) / tail(C5) < 1.33"],
    "$10\\cdot\\tfrac12\\cdot\\eta/(2-\\eta) \\approx 1.67$":
        "abs(tail(C5) - 5 * 0.5 / 1.5) < 0.15",
    "При η = 0.05 полка в 13 раз ниже (около 0.13)": [
        "10 < tail(C5) / tail(C05) < 16", "abs(tail(C05) - 0.13) < 0.03"],
    "но к шагу 20 метод ещё далеко от неё": "noise_at(C05, 20) > 10 * tail(C05)",
    "Расписание $1/t$ начинает так же быстро, как η = 0.5, а к концу опускается ниже обеих полок": [
        "noise_at(H, 20) < 1.2 * noise_at(C5, 20)", "tail(H) < tail(C05) < tail(C5)"],
    "Косинусное расписание долго держит η большим и идёт вровень с η = 0.5": (
        "0.6 < np.median(noise_runs[R][:, 20:150]) / np.median(noise_runs[C5][:, 20:150]) < 1.5"),
    "за последнюю сотню шагов гасит шум и к шагу 400 оказывается ниже полки η = 0.05":
        "noise_at(R, 400) < tail(C05) and noise_at(R, 300) > noise_at(R, 400)",
    # 4.3 warmup, 5 seeds, two epochs
    "это вдвое больше типичного начального веса первого слоя (около 0.1)":
        "0.08 < np.mean(np.abs(digits.init_params(0)['W1'])) < 0.12",
    "После первой эпохи медианная точность — меньше 50 %":
        "np.median(warmup_runs['без разогрева']['accuracy'][:, 1]) < 0.5",
    "у одного из пяти зёрен сеть так и осталась на уровне угадывания (10 %)":
        "np.sum(warmup_runs['без разогрева']['accuracy'][:, 1:] <= 0.11, axis=0).tolist()"
        " == [1, 1]",
    "за вторую эпоху ни одно зерно не поднимается выше 80 %":
        "np.all(warmup_runs['без разогрева']['accuracy'][:, 2] <= 0.8)",
    "дают после первой эпохи больше 80 %, а после второй — больше 92 % при каждом из пяти зёрен": [
        "np.all(warmup_runs['разогрев 20 шагов']['accuracy'][:, 1] > 0.8)",
        "np.all(warmup_runs['разогрев 20 шагов']['accuracy'][:, 2] > 0.92)"],
    # 4.4 range test, 3 seeds
    "Пока $\\eta < 0.005$, потери стоят на начальном уровне $\\ln 10 \\approx 2.3$": (
        "all(2.2 < m < 2.45 for m in np.median(range_losses, axis=0)[(range_lrs < 0.005)"
        " & np.isfinite(np.median(range_losses, axis=0))])"),
    "Примерно с $\\eta = 0.01$ они начинают падать": [
        "range_loss(0.03) < range_loss(0.01) - 0.2", "range_loss(0.01) > 2.0"],
    "медиана наименьшая при η около 0.2–0.6": "0.2 <= best_range_lr <= 0.6",
    "а при $\\eta > 2$ потери снова выше начальных": (
        "all(not m < 2.3 for m in np.median(range_losses, axis=0)[range_lrs > 2])"),
    "разумное $\\eta_{\\max}$ для Adam здесь — от 0.05 до 0.2": [
        "range_loss(0.05) < 0.75 * range_loss(0.005)", "range_loss(0.2) < range_loss(0.05)",
        "best_range_lr >= 2 * 0.2"],
    # 4.5 weight decay, 5 seeds
    "на шаге 2000 медианы обоих около 1.35": [
        "abs(decay_at('AdamW', 2000, 0) - 1.35) < 0.2",
        "abs(decay_at('AdamW', 2000, 1) - 1.35) < 0.2"],
    "вес с сильным шумом за 3000 шагов почти не затухает (медиана больше 5)":
        "decay_at('Adam + L2', 3000, 0) > 5",
    "вес со слабым шумом сжимается гораздо быстрее задуманного — к шагу 3000 он меньше 0.01": [
        "decay_at('Adam + L2', 3000, 1) < 0.01",
        "decay_at('Adam + L2', 2000, 1) < 0.5 * 10 * 0.999 ** 2000"],
    # 5 capstone comparison, 3 seeds
    "точность в конце ниже 80 % при каждом зерне": "finals('SGD, η = 0.3').max() < 0.8",
    "Метод импульса с η = 0.1 и Adam с η = 0.01 доходят до 88–92 %": [
        "0.88 <= finals('метод импульса, η = 0.1').min()",
        "finals('метод импульса, η = 0.1').max() <= 0.92",
        "0.88 <= finals('Adam, η = 0.01').min() and finals('Adam, η = 0.01').max() <= 0.92"],
    "SGD с η = 3 от зерна к зерну скачет от 72 до 87 %": [
        "round(finals('SGD, η = 3').min(), 2) == 0.72",
        "round(finals('SGD, η = 3').max(), 2) == 0.87"],
    "с постоянным η ни один из них порога 95.5 % не достигает": [
        "capstone.THRESHOLD == 0.955",
        "all(finals(n).min() < capstone.THRESHOLD for n in "
        "('SGD, η = 0.3', 'SGD, η = 3', 'метод импульса, η = 0.1', 'Adam, η = 0.01'))"],
    "при одном зерне точность — на уровне угадывания (около 10 %), при двух других — ниже 40 %": [
        "np.sum(finals('Adam, η = 0.3') < 0.12) == 1",
        "np.sum(finals('Adam, η = 0.3') < 0.4) == 3"],
}
