"""Claims of lesson 2 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run."""

SETUP = """
MOM, NES, GD = ("метод импульса (η = 0.3, γ = 0.8)", "метод Нестерова (η = 0.3, γ = 0.8)",
                "градиентный спуск (η = 0.45)")

def f_end(paths, name):
    return ravine.f(paths[name][-1])

def rosen_f(name):
    return np.array([rosen.f(p) for p in rosen_paths[name]])

net_final = {name: run["loss"][:, -1] for name, run in net_runs.items()}
first_below = {name: [int(np.argmax(row < 0.05)) for row in run["loss"]]
               for name, run in net_runs.items()}
"""

SET_UP_CELLS = {"cell-14", "cell-24"}

CLAIMS = {
    # 3.1
    "за $t$ шагов он набирает долю $1 - \\gamma^t$ своего предела":
        "np.allclose(ratios['γ = 0.9'], (1 - 0.9 ** steps) / (1 - 0.9))",
    "(через 20 шагов — около 88 % предела)": "abs(ratios['γ = 0.9'][19] / 10 - 0.88) < 0.01",
    # 3.2
    "и ползёт по дну: даже при почти наилучшей η он за 60 шагов не дошёл до минимума":
        "abs(paths[GD][-1, 0]) > 1e-3",
    "после 60 шагов значение функции у него примерно в 20 раз меньше":
        "10 < f_end(paths, GD) / f_end(paths, MOM) < 30",
    "проскакивает минимум (наибольшее $x_1$ около 2)": "1.8 < paths[MOM][:, 0].max() < 2.2",
    "за первые 10 шагов размах по $x_2$ уменьшается у него больше чем в 50 раз": [
        "abs(paths[NES][0, 1]) / np.abs(paths[NES][9:12, 1]).max() > 50",
        "2 < abs(paths[MOM][0, 1]) / np.abs(paths[MOM][9:12, 1]).max() < 10"],
    "Он проскакивает меньше и после 60 шагов ещё на порядок ближе к минимуму": [
        "paths[NES][:, 0].max() < paths[MOM][:, 0].max()",
        "f_end(paths, MOM) / f_end(paths, NES) > 8"],
    # 3.3 Polyak
    "($\\eta^* \\approx 0.67$, $\\gamma^* \\approx 0.40$) это 0.63 вместо 0.90 за шаг": [
        "round(eta_star, 2) == 0.67 and round(gamma_star, 2) == 0.40",
        "round(theory_rates['метод импульса'], 2) == 0.63",
        "round(theory_rates['градиентный спуск'], 2) == 0.90"],
    "Измеренный множитель метода импульса — около 0.65, чуть больше теоретических 0.63": [
        "0.63 < list(measured_rates.values())[0] < 0.67"],
    "У градиентного спуска — ровно 0.905 = 19/21":
        "abs(list(measured_rates.values())[1] - 19 / 21) < 1e-3",
    "За 60 шагов метод импульса подходит к минимуму в сотни миллионов раз ближе":
        "list(distances.values())[1][-1] / list(distances.values())[0][-1] > 1e7",
    # 3.4 gamma
    "При малом γ импульс почти не копится, и метод мало отличается от градиентного спуска":
        "1e-5 < ravine.f(gamma_paths['γ = 0.2'][-1]) < 1e-2",
    "вдоль дна метод идёт быстро — он сходится на много порядков быстрее":
        "ravine.f(gamma_paths['γ = 0.6'][-1]) < 1e-6 * ravine.f(gamma_paths['γ = 0.2'][-1])",
    "через 60 шагов он оказывается даже дальше от минимума, чем градиентный спуск из опыта 3.2":
        "ravine.f(gamma_paths['γ = 0.95'][-1]) > f_end(paths, GD)",
    # 3.5 stability
    "Метод импульса при γ = 0.9 сходится вплоть до $\\eta\\lambda \\approx 3.8 = 2(1+\\gamma)$":
        "abs(stability_edge['метод импульса'] - 3.8) < 0.03",
    "Нестерова расходится уже с $\\eta\\lambda \\approx 1.36$ — раньше даже градиентного спуска":
        "abs(stability_edge['метод Нестерова'] - 2 * 1.9 / 2.8) < 0.015",
    "метод импульса сходится, а метод Нестерова улетает за несколько десятков шагов": [
        "len(edge_paths['метод импульса (η = 0.4, γ = 0.9)']) == 101",
        "ravine.f(edge_paths['метод импульса (η = 0.4, γ = 0.9)'][-1]) < 1e-2",
        "len(edge_paths['метод Нестерова (η = 0.4, γ = 0.9)']) < 60"],
    # 3.6 Rosenbrock
    "за то же число шагов подходят к минимуму в сотню раз ближе":
        "all(np.linalg.norm(rosen_paths[n][-1] - rosen.minimum) * 80 "
        "< np.linalg.norm(rosen_paths['градиентный спуск (γ = 0)'][-1] - rosen.minimum) "
        "for n in ['метод импульса (γ = 0.9)', 'метод Нестерова (γ = 0.9)'])",
    "на шагах 3–4 его $f$ подскакивает почти до 100": [
        "50 < rosen_f('метод Нестерова (γ = 0.9)')[2:5].max() < 100",
        "rosen_f('метод импульса (γ = 0.9)')[2:5].max() < 20"],
    "со сотого шага до конца метод Нестерова идёт впереди метода импульса и кончает ближе": [
        "np.all(rosen_f('метод Нестерова (γ = 0.9)')[100:]"
        " < rosen_f('метод импульса (γ = 0.9)')[100:])",
        "np.linalg.norm(rosen_paths['метод Нестерова (γ = 0.9)'][-1] - rosen.minimum) < "
        "np.linalg.norm(rosen_paths['метод импульса (γ = 0.9)'][-1] - rosen.minimum)"],
    # 3.7 network, 5 seeds
    "SGD за 30 эпох не опускается ниже $L = 0.05$ ни при одном зерне, и медиана остаётся": [
        "np.all(net_runs['SGD, η = 0.1']['loss'] >= 0.05)",
        "0.28 < np.median(net_final['SGD, η = 0.1']) < 0.36"],
    "методы с импульсом при всех пяти зёрнах уходят с неё за 6–16 эпох": [
        "all(6 <= e <= 16 for name in net_runs if 'γ = 0.9' in name for e in first_below[name])",
        "all(np.all(net_runs[name]['loss'][:, 16] < 0.05) for name in net_runs if 'γ' in name)"],
    "SGD с таким шагом разваливается при всех зёрнах — потери вырастают до сотен":
        "np.all(net_final['SGD, η = 1.0'] > 100)",
}
