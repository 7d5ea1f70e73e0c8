"""Claims of lesson 2 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run; exemptions with their reasons."""

from claims._reasons import DEFINITION, SET_UP, SUMMARY, TASK, TIME

SETUP = """
MOM, NES, GD = ("метод импульса (η = 0.3, γ = 0.8)", "метод Нестерова (η = 0.3, γ = 0.8)",
                "градиентный спуск (η = 0.45)")

def f_end(paths, name):
    return ravine.f(paths[name][-1])

def distance_end(paths, name):
    return np.linalg.norm(paths[name][-1])

def rosen_f(name):
    return np.array([rosen.f(p) for p in rosen_paths[name]])

net_final = {name: run["loss"][:, -1] for name, run in net_runs.items()}
first_below = {name: [int(np.argmax(row < 0.05)) for row in run["loss"]]
               for name, run in net_runs.items()}

def radius(kind, eta_lambda, gamma):
    # largest |root| of the characteristic equation of the method on λx²/2
    if kind == "momentum":
        return max(abs(np.roots([1, -(1 + gamma - eta_lambda), gamma])))
    return max(abs(np.roots([1, -(1 + gamma) * (1 - eta_lambda), gamma * (1 - eta_lambda)])))

def edge(kind, gamma):
    grid = np.linspace(0.001, 4.5, 45000)
    return grid[np.argmax([radius(kind, a, gamma) >= 1 for a in grid])]

def stationary_variance(update, n_chains=20000, n_steps=800):
    # variance of x at the last step over independent chains: λ = σ = 1, started at 0
    rng = np.random.default_rng(0)
    x, v = np.zeros(n_chains), np.zeros(n_chains)
    for _ in range(n_steps):
        x, v = update(x, x + rng.standard_normal(n_chains), v)
    return float(np.var(x))

def look_aheads_two_ways(n_steps=30, lr=0.3, gamma=0.8):
    # the course's look-ahead points w − γV with your nesterov_update, and the points PyTorch
    # stores with nesterov=True: b = γb + g, p = p − η(g + γb), g taken at p
    w, V, course = np.array([-9.0, 2.0]), np.zeros(2), []
    p, b, torch = w.copy(), np.zeros(2), []
    for _ in range(n_steps):
        w, V = nesterov_update(w, V, ravine.grad, lr, gamma)
        course.append(w - gamma * V)
        g = ravine.grad(p)
        b = gamma * b + g
        p = p - lr * (g + gamma * b)
        torch.append(p.copy())
    return np.array(torch), np.array(course)

torch_look_ahead, course_look_ahead = look_aheads_two_ways()

var_momentum = stationary_variance(lambda x, g, v: momentum_update(x, g, v, 0.01, 0.9))
var_sgd = stationary_variance(lambda x, g, v: momentum_update(x, g, v, 0.1, 0.0))
"""

SET_UP_CELLS = {"cell-14", "cell-24"}


EXEMPT_CELLS = {
    "cell-00": "the lesson's plan", "cell-06": TASK, "cell-09": TASK, "cell-11": TASK,
    "questions-heading": TASK, "cell-28": TASK, "momentum-question-3": TASK, "cell-30": SUMMARY,
}

EXEMPT = {
    "Спуск устойчив, только если $|1 - \\eta\\lambda| < 1$ для всех λ": DEFINITION,
    "Крутое направление ограничивает η, и из-за этого пологое движется медленно": DEFINITION,
    "А метод импульса на квадратичной функции устойчив дольше.": DEFINITION,
    "Метод разгоняется вдоль пологих направлений, не теряя устойчивости вдоль крутых.": DEFINITION,
    "Произведение корней характеристического уравнения равно γ": DEFINITION,
    "При γ, близком к 1, трения почти нет, и метод долго кружит вокруг минимума.": DEFINITION,
    "Пусть $L$ выпукла, а её градиент меняется не быстрее": DEFINITION,
    "Для неё $L(w_k) - L(w^*) \\le 2\\lambda_{\\max}": (
        "cites Nesterov's theorems (2004: the 1/k² rate of the scheme and the lower bound "
        "2.1.7) and the 1/k rate of gradient descent with η = 1/λ_max; no run in the lesson"),
    "В нейронных сетях ни $\\lambda_{\\max}$, ни $\\lambda_{\\min}$ не известны": DEFINITION,
    "Подставим первое во второе": DEFINITION,
    "Если же\n$L$ сильно выпукла с $\\lambda_{\\min} > 0$": (
        "cites Nesterov's scheme (2.2.19) for strongly convex functions; no run in the lesson"),
    "Удачное\nγ зависит от η и от формы поверхности": DEFINITION,
    "Чем больше γ, тем дольше метод «помнит» старые градиенты": DEFINITION,
    "Градиентному спуску дадим $\\eta = 0.45$": SET_UP,
    "Запустим метод импульса с $\\eta^*$ и $\\gamma^*$ Поляка": SET_UP,
    "Теория обещает, что метод импульса устойчив при": SET_UP,
    "Возьмём одномерную функцию": SET_UP,
    "**Предскажите, прежде чем запускать:**": TASK,
    "Вывод: дополнительное трение метода Нестерова помогает при умеренных η": DEFINITION,
    "Откуда берётся граница 1.36 — вопрос 1.": TASK,
    "Сделаем по 1000 шагов из точки $(-1.5, 2)$": SET_UP,
    "Мини-батчи по 32\nобъекта получим простой функцией": SET_UP,
    "Метод\nимпульса разгоняется только там, где градиент долго смотрит в одну сторону": DEFINITION,
    "Каждый шаг любого из этих методов — одно вычисление градиента": TIME,
    "Найдите\nна овраге η, при котором метод Нестерова начинает расходиться": TASK,
    "Подберите γ, при котором метод импульса быстрее всего сходится при η = 0.3.": TASK,
    "(Без браузера график\nрисуется один раз при начальных значениях.)": TASK,
    "Для метода Нестерова b = (1 + γ)(1 − ηλ), c = γ(1 − ηλ).": DEFINITION,
    "Условие |b| < 1 + c при ηλ < 1 (b > 0)": DEFINITION,
    "Для метода импульса (b = 1 + γ − ηλ, c = γ) условие": DEFINITION,
    "Число шагов градиентного\nспуска растёт как κ, метода импульса — как √κ": DEFINITION,
    "Усреднение уменьшает шум каждого слагаемого": DEFINITION,
}

CLAIMS = {
    # 1. theory, checked on the characteristic equations
    "(в 10 раз при\nγ = 0.9)": "abs(ratios['γ = 0.9'][-1] - 10) < 0.05",
    "при $\\eta\\lambda < 2(1+\\gamma)$ — при γ = 0.9 это $\\eta\\lambda < 3.8$ вместо 2": [
        "abs(edge('momentum', 0.9) - 3.8) < 1e-3", "abs(edge('momentum', 0.0) - 2.0) < 1e-3"],
    "ошибка на квадратичной функции за шаг умножается примерно на": [
        "abs(radius('momentum', eta_star * lam_min, gamma_star)"
        " - (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) < 1e-3",
        "abs(radius('momentum', eta_star * lam_max, gamma_star)"
        " - (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) < 1e-3"],
    "($\\eta^* \\approx 0.67$, $\\gamma^* \\approx 0.40$) это 0.63 вместо 0.90 за шаг": [
        "round(eta_star, 2) == 0.67 and round(gamma_star, 2) == 0.40",
        "round(theory_rates['метод импульса'], 2) == 0.63",
        "round(theory_rates['градиентный спуск'], 2) == 0.90"],
    "амплитуда колебаний за шаг умножается не меньше чем на $\\sqrt\\gamma$":
        "all(radius('momentum', a, 0.9) >= np.sqrt(0.9) - 1e-9"
        " for a in np.linspace(0.01, 3.7, 50))",
    "Пока $\\eta\\lambda < 1$ и корни комплексные, амплитуда колебаний за шаг умножается на":
        "all(abs(radius('nesterov', a, 0.9) - np.sqrt(0.9 * (1 - a))) < 1e-9 "
        "for a in np.linspace(0.05, 0.95, 19) "
        "if ((1.9 * (1 - a)) ** 2 < 4 * 0.9 * (1 - a)))",
    "и метод Нестерова теряет устойчивость при гораздо меньших η, чем метод импульса":
        "edge('nesterov', 0.9) < 0.5 * edge('momentum', 0.9)",
    "Это тот же метод: точки заглядывания\nидут по той же траектории":
        "np.allclose(torch_look_ahead, course_look_ahead, rtol=1e-10, atol=1e-12)",
    # 3.1
    "за $t$ шагов он набирает долю $1 - \\gamma^t$ своего предела":
        "np.allclose(ratios['γ = 0.9'], (1 - 0.9 ** steps) / (1 - 0.9))",
    "(через 20 шагов — около 88 % предела)": "abs(ratios['γ = 0.9'][19] / 10 - 0.88) < 0.01",
    # 3.2
    "и ползёт по дну: даже при почти наилучшей η он за 60 шагов не дошёл до минимума":
        "abs(paths[GD][-1, 0]) > 1e-3",
    "после 60 шагов значение функции у него примерно в 20 раз меньше":
        "15 < f_end(paths, GD) / f_end(paths, MOM) < 25",
    "проскакивает минимум (наибольшее $x_1$ около 2)": "1.8 < paths[MOM][:, 0].max() < 2.2",
    "за первые 10 шагов размах по $x_2$ уменьшается у него больше чем в 50 раз": [
        "abs(paths[NES][0, 1]) / np.abs(paths[NES][9:12, 1]).max() > 50",
        "2 < abs(paths[MOM][0, 1]) / np.abs(paths[MOM][9:12, 1]).max() < 10"],
    "60 шагов примерно в 2.5 раза ближе к минимуму (значение функции у него в 14 раз меньше)": [
        "paths[NES][:, 0].max() < paths[MOM][:, 0].max()",
        "2.2 < distance_end(paths, MOM) / distance_end(paths, NES) < 2.8",
        "12 < f_end(paths, MOM) / f_end(paths, NES) < 16"],
    # 3.3 Polyak
    "Измеренный множитель метода импульса — около 0.65, чуть больше теоретических 0.63": [
        "0.63 < list(measured_rates.values())[0] < 0.67"],
    "У градиентного спуска — ровно 0.905 = 19/21":
        "abs(list(measured_rates.values())[1] - 19 / 21) < 1e-3",
    "За 60 шагов метод импульса подходит к минимуму в десятки миллионов раз ближе":
        "1e7 <= list(distances.values())[1][-1] / list(distances.values())[0][-1] < 1e8",
    # 3.4 gamma
    "шаг вдоль дна вырастает лишь до $\\eta/(1-\\gamma) = 0.375$": [
        "abs(0.3 / (1 - 0.2) - 0.375) < 1e-12",
        "7 < ravine.f(gamma_paths['γ = 0.0'][-1]) / ravine.f(gamma_paths['γ = 0.2'][-1]) < 9"],
    "вдоль дна метод идёт быстро — он сходится на много порядков быстрее":
        "ravine.f(gamma_paths['γ = 0.6'][-1]) < 1e-6 * ravine.f(gamma_paths['γ = 0.2'][-1])",
    "амплитуда колебаний за шаг умножается на $\\sqrt{0.95} \\approx 0.975$":
        "abs(radius('momentum', 0.3 * 0.2, 0.95) - np.sqrt(0.95)) < 1e-9",
    "через 60 шагов он оказывается даже дальше от минимума, чем градиентный спуск из опыта 3.2":
        "np.linalg.norm(gamma_paths['γ = 0.95'][-1]) > distance_end(paths, GD)",
    # 3.5 stability
    "Метод импульса при γ = 0.9 сходится вплоть до $\\eta\\lambda \\approx 3.8 = 2(1+\\gamma)$":
        "abs(stability_edge['метод импульса'] - 3.8) < 0.03",
    "Нестерова расходится уже с $\\eta\\lambda \\approx 1.36$ — раньше даже градиентного спуска":
        "abs(stability_edge['метод Нестерова'] - 2 * 1.9 / 2.8) < 0.015",
    "метод импульса сходится, а метод Нестерова улетает за несколько десятков шагов": [
        "len(edge_paths['метод импульса (η = 0.4, γ = 0.9)']) == 101",
        "ravine.f(edge_paths['метод импульса (η = 0.4, γ = 0.9)'][-1]) < 1e-2",
        "20 <= len(edge_paths['метод Нестерова (η = 0.4, γ = 0.9)']) < 100"],
    # 3.6 Rosenbrock
    "Градиентный спуск быстро падает на дно оврага и дальше еле ползёт вдоль него": [
        "abs(rosen_paths['градиентный спуск (γ = 0)'][100, 1]"
        " - rosen_paths['градиентный спуск (γ = 0)'][100, 0] ** 2) < 0.05",
        "np.linalg.norm(rosen_paths['градиентный спуск (γ = 0)'][-1] - rosen.minimum) > 1"],
    "за то же число шагов подходят к минимуму в сотню раз ближе":
        "all(np.linalg.norm(rosen_paths[n][-1] - rosen.minimum) * 100 "
        "<= np.linalg.norm(rosen_paths['градиентный спуск (γ = 0)'][-1] - rosen.minimum) "
        "for n in ['метод импульса (γ = 0.9)', 'метод Нестерова (γ = 0.9)'])",
    "на шагах 3–4 его $f$ подскакивает почти до 100": [
        "50 < rosen_f('метод Нестерова (γ = 0.9)')[2:5].max() < 100",
        "rosen_f('метод импульса (γ = 0.9)')[2:5].max() < 20"],
    "с сотого шага до конца метод Нестерова идёт впереди метода импульса и кончает ближе": [
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
    "у двух зёрен из пяти потери уходят в бесконечность": [
        "np.sum(~np.isfinite(net_final['SGD, η = 1.0'])) == 2",
        "net_runs['SGD, η = 1.0']['diverged'].sum() == 2",
        "np.sum(np.isfinite(net_final['SGD, η = 1.0']) & (net_final['SGD, η = 1.0'] > 100)) == 3"],
    # model answers
    "Условие |c| < 1: γ|1 − ηλ| < 1 — выполняется при ηλ < 1 + 1/γ.":
        "radius('nesterov', 1 + 1 / 0.9 + 1e-3, 0.9) > 1",
    "ηλ < 1 + 1/(1 + 2γ) = 2(1 + γ)/(1 + 2γ)": [
        "abs(edge('nesterov', 0.9) - 2 * 1.9 / 2.8) < 1e-3",
        "abs(edge('nesterov', 0.5) - 2 * 1.5 / 2.0) < 1e-3"],
    "Эта граница меньше 1 + 1/γ, значит, она и решает.":
        "all(2 * (1 + g) / (1 + 2 * g) < 1 + 1 / g for g in np.linspace(0.01, 0.99, 99))",
    "При γ = 0.9: 3.8/2.8 ≈ 1.357 — совпадает с измеренными 1.36.": [
        "abs(3.8 / 2.8 - 1.357) < 5e-4", "abs(stability_edge['метод Нестерова'] - 1.36) < 0.01"],
    "|1 + γ − ηλ| < 1 + γ даёт ηλ < 2(1 + γ).": "abs(edge('momentum', 0.5) - 3.0) < 1e-3",
    "При γ = 0.5: метод Нестерова — ηλ < 3/2 = 1.5": [
        "abs(edge('nesterov', 0.5) / 4 - 0.375) < 1e-3",
        "abs(edge('momentum', 0.5) / 4 - 0.75) < 1e-3"],
    "λ_min = 1, λ_max = 100, κ = 100, √κ = 10.": [
        "abs(4 / (np.sqrt(100) + 1) ** 2 - 0.033) < 5e-4", "abs((9 / 11) ** 2 - 0.67) < 5e-3",
        "abs(9 / 11 - 0.818) < 5e-4"],
    "Шагов: ln 10⁶ / (−ln 0.818) ≈ 13.8/0.20 ≈ 69.": "abs(np.log(1e6) / -np.log(9 / 11) - 69) < 1",
    "Градиентный спуск\nс η = 2/101: множитель 99/101 ≈ 0.980, шагов ≈ 13.8/0.0198 ≈ 700.":
        "abs(np.log(1e6) / -np.log(99 / 101) - 700) < 15",
    "Выигрыш ≈ 10 раз.":
        "9 < (np.log(1e6) / -np.log(99 / 101)) / (np.log(1e6) / -np.log(9 / 11)) < 11",
    "На овраге урока\n(κ = 20): множители 0.634 и 0.905, шагов ≈ 30 и ≈ 140 — выигрыш ≈ 4.6 раза": [
        "abs(theory_rates['метод импульса'] - 0.634) < 1e-3",
        "abs(np.log(1e6) / -np.log(theory_rates['метод импульса']) - 30) < 1",
        "abs(np.log(1e6) / -np.log(19 / 21) - 140) < 2",
        "abs((np.log(1e6) / -np.log(19 / 21))"
        " / (np.log(1e6) / -np.log(theory_rates['метод импульса']))"
        " - 4.6) < 0.1"],
    "При η = 0.01, γ = 0.9 это ≈ 0.1·σ²/(2λ) — столько же, сколько у\nSGD с η = 0.1": [
        "abs(var_momentum - 0.050) < 0.002", "abs(var_sgd - 0.053) < 0.002"],
    "Импульс не гасит шум\nпри том же шаге вдоль склона": [
        "abs(var_momentum / var_sgd - 1) < 0.1",
        "abs(var_momentum / stationary_variance("
        "lambda x, g, v: momentum_update(x, g, v, 0.01, 0.0)) - 10) < 1.5"],
}
