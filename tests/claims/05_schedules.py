"""Claims of lesson 5 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run; exemptions with their reasons."""

from claims._reasons import DEFINITION, SET_UP, SUMMARY, TASK

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

# --- theory and model answers -------------------------------------------------------------
from course.exercises.capstone_choice import held_out  # the judge's test split, never shipped
from optkit import harness

TEST = held_out()
ADAM = capstone.OPTIMIZERS["adamw"][1]

def first_step(seed):
    # experiment 4.3 without warmup, its first step with your adamw_update: (|Δw|/η, g) per weight
    params = digits.init_params(seed)
    X, y = capstone._data()[:2]
    batch = capstone._minibatches(X.shape[1], np.random.default_rng(seed))[0]
    grads = digits.loss_and_grads(params, X[:, batch], y[batch])[1]
    w, g = harness.flatten(params, params), harness.flatten(grads, params)
    lr = capstone.learning_rate(no_warmup, warmup_cosine_lr)(1)
    new = adamw_update(w, g, 0 * w, 0 * w, 1, lr, ADAM["beta1"], ADAM["beta2"], ADAM["eps"], 0.0)[0]
    return np.abs(new - w) / lr, g

def saturated_after_first_epoch(choice, seed):
    # hidden sigmoids whose output is within 0.02 of 0 or 1 on more than 95 % of the validation
    # images, after the first epoch of experiment 4.3 (the same run: same optimizer, batches, seed)
    s = capstone._settings(choice)
    X, y, X_val, _ = capstone._data()
    run = harness.train(digits.loss_and_grads, digits.init_params(seed), X, y,
                        capstone._optimizer(s, mine, capstone.learning_rate(s, warmup_cosine_lr)),
                        capstone._minibatches, 1, seed)
    hidden = digits._hidden(run["params"], X_val)
    return int(np.sum(np.mean((hidden < 0.02) | (hidden > 0.98), axis=1) > 0.95))

saturated = {name: [saturated_after_first_epoch(choice, seed) for seed in range(5)]
             for name, choice in (("без разогрева", no_warmup), ("разогрев 20 шагов", with_warmup))}

def validation(choice):
    return np.array(capstone.final_accuracies(choice, mine))

def test_split(choice):
    return np.array(capstone.final_accuracies(choice, mine, evaluate_on=TEST))

SOLUTION = capstone_choice()
val_solution, test_solution = validation(SOLUTION), test_split(SOLUTION)
val_solution_no_warmup = validation(dict(SOLUTION, warmup_steps=0))
val_adam_01 = validation({"optimizer": "adamw", "lr": 0.1, "weight_decay": 0.0})
val_adam_03_cosine = validation({"optimizer": "adamw", "lr": 0.3, "weight_decay": 0.0,
                                 "schedule": "warmup_cosine"})
# |test − validation| in percentage points: the compared candidates and the solution, 3 seeds each
gaps = 100 * np.abs(np.concatenate(
    [test_split(candidates[name]) - finals(name) for name in compare_runs]
    + [test_solution - val_solution]))

def steps_after_drop(gamma, lr=0.1, drop=10):
    # constant gradient 1, η divided by `drop` after a long run: the step of your momentum_update
    # (V = γV + η_t g, w -= V) and of torch.optim.SGD(momentum=γ) (b = γb + g, w -= η_t b), per step
    before, after = int(20 / (1 - gamma)), int(5 / (1 - gamma))
    w, V, b, course, torch = np.zeros(1), np.zeros(1), 0.0, [], []
    for t in range(1, before + after + 1):
        eta = lr if t <= before else lr / drop
        new, V = mine["momentum_update"](w, np.ones(1), V, eta, gamma)
        course.append(float(w[0] - new[0]))
        w, b = new, gamma * b + 1.0
        torch.append(eta * b)
    return np.array(course), np.array(torch), before

def memory(gamma):
    # steps after the drop until the course's step has lost all but 1/e of its excess over the new
    # steady step η/(drop·(1 − γ))
    course, _, before = steps_after_drop(gamma)
    excess = (course[before:] - course[-1]) / (course[before - 1] - course[-1])
    return int(np.argmax(excess <= np.exp(-1))) + 1

def paper_gap(alpha, lam_paper, lam_pytorch, eta_t=0.7):
    # your adamw_update with η = α·η_t and λ = lam_pytorch against the paper's update
    # w − η_t(α·M̂/√(V̂ + ε) + λ·w) (ε as in this course): the largest difference
    rng = np.random.default_rng(5)
    w, g = rng.standard_normal(4), rng.standard_normal(4)
    m, v = 0.1 * rng.standard_normal(4), 0.1 * rng.random(4)
    ours = adamw_update(w, g, m, v, 3, alpha * eta_t, 0.9, 0.999, 1e-8, lam_pytorch)[0]
    m1, v1 = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
    step = m1 / (1 - 0.9 ** 3) / np.sqrt(v1 / (1 - 0.999 ** 3) + 1e-8)
    return np.max(np.abs(ours - (w - eta_t * (alpha * step + lam_paper * w))))

def decay_alone(lam=0.1, lr=0.01):
    # your adamw_update with λ and with 0, on gradients of scale 10 and 0.001: how far their
    # difference is from −ηλw
    w, g = np.array([2.0, -3.0]), np.array([10.0, 1e-3])
    m, v = np.array([1.0, 1e-4]), np.array([100.0, 1e-6])
    with_decay = adamw_update(w, g, m, v, 7, lr, 0.9, 0.999, 1e-8, lam)[0]
    without = adamw_update(w, g, m, v, 7, lr, 0.9, 0.999, 1e-8, 0.0)[0]
    return np.max(np.abs(with_decay - without + lr * lam * w))

def numeric_gradient_error(seed=0, n=6, h=1e-6):
    # relative error of the network's gradients against central differences at n weights of W1, W2
    params = digits.init_params(seed)
    X, y = capstone._data()[:2]
    X, y = X[:, :40], y[:40]
    grads = digits.loss_and_grads(params, X, y)[1]
    rng, worst = np.random.default_rng(seed), 0.0
    for key in ("W1", "W2"):
        for _ in range(n):
            index = tuple(rng.integers(0, s) for s in params[key].shape)
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][index] += h
            minus[key][index] -= h
            numeric = (digits.loss_and_grads(plus, X, y)[0]
                       - digits.loss_and_grads(minus, X, y)[0]) / (2 * h)
            worst = max(worst, abs(numeric - grads[key][index]) / max(abs(numeric), 1e-8))
    return worst

with np.load(digits.DATA) as _data:
    TRAIN_INDEX, VAL_INDEX = _data["train_index"], _data["validation_index"]
PICTURES, LABELS = digits.images()
COSINE = [warmup_cosine_lr(t, 0.5, 0.05, 0, 400) for t in range(1, 401)]
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
    "Adam с η = 0.3 без разогрева учится хуже всех": (
        "finals('Adam, η = 0.3').max() < min(finals(n).min() for n in compare_runs "
        "if n != 'Adam, η = 0.3')"),
    "Числа на двух выборках обычно отличаются на 1–2 процентных пункта, а иногда и на 3–5": [
        "1 <= np.median(gaps) <= 2", "3 <= round(gaps.max(), 1) <= 5"],

    # 1. theory: why a constant η cannot both move and stop (4.1, 10 seeds)
    "Вдали от минимума полезная часть велика, и большое η быстро ведёт вниз.": [
        "noise_at(C5, 5) < 0.1 * noise_at(C05, 5)", "noise_at(C5, 5) < 0.05 * noise_at(C5, 0)"],
    "остаются только случайные толчки размера $\\eta\\sigma$: метод не сходится, а «дрожит»": [
        "noise_runs[C5][:, 301:].min() > 0.15",
        "np.all(noise_runs[C5][:, 301:].std(axis=1) > 0.3 * tail(C5))",
        "abs(tail(C5) / (10 / 2 * 0.5 / (2 - 0.5)) - 1) < 0.1",
        "abs(tail(C05) / (10 / 2 * 0.05 / (2 - 0.05)) - 1) < 0.1"],
    "Малое η даёт точный, но медленный спуск; большое —\nбыстрый, но неточный.": [
        "tail(C05) < tail(C5) / 10", "noise_at(C05, 20) > 2 * noise_at(C5, 20)"],
    "суммарная дисперсия шума $\\sigma^2 \\sum \\eta_t^2$ конечна, поэтому облако сжимается": (
        "np.median(noise_runs[H][:, 51:101].mean(axis=1)) > np.median(noise_runs[H][:, 101:201]"
        ".mean(axis=1)) > np.median(noise_runs[H][:, 201:401].mean(axis=1))"),
    # 1. schedules and warmup: the kit's step schedule and your warmup_cosine_lr follow the formulas
    "η умножается на множитель $\\gamma < 1$ (например, 0.1 или 0.3)": (
        "np.allclose(curves['ступенчатое: ×0.3 каждые 70 шагов'], [0.1 * 0.3 ** ((t - 1) // 70) "
        "for t in range(1, capstone.TOTAL_STEPS + 1)], rtol=0, atol=1e-15)"),
    "Долго держит η большим (быстрое движение), а в конце плавно его гасит": [
        "np.allclose(COSINE, [0.05 + 0.45 / 2 * (1 + np.cos(np.pi * t / 400)) "
        "for t in range(1, 401)])",
        "sum(e >= (0.5 + 0.05) / 2 for e in COSINE) == 200",
        "sum(0.5 / (1 + t / 20) >= 0.25 for t in range(1, 401)) == 20",
        "COSINE[-1] == 0.05 and abs(COSINE[-1] - COSINE[-2]) < 1e-4 * 0.5"],
    "первые $W$ шагов η линейно растёт от почти нуля до $\\eta_{\\max}$": [
        "all(abs(warmup_cosine_lr(t, 0.2, 0.0, 20, 70) - 0.2 * t / 20) < 1e-12 "
        "for t in range(1, 21))",
        "warmup_cosine_lr(1, 0.2, 0.0, 20, 70) == 0.2 / 20"],
    "**каждый** вес с ненулевым градиентом сдвигается почти ровно на η": [
        "all(np.all(first_step(s)[0][np.abs(first_step(s)[1]) > 1e-3] > 0.99) for s in range(3))",
        "all(np.all(first_step(s)[0][first_step(s)[1] == 0] == 0) for s in range(3))"],
    "это может безвозвратно испортить веса (например, насытить\nсигмоиды скрытого слоя)": [
        "min(saturated['без разогрева']) >= 24 and max(saturated['разогрев 20 шагов']) <= 2",
        "np.all(warmup_runs['без разогрева']['accuracy'][:, 2] < 0.8)"],
    "к концу разогрева $V$ усреднил уже десятки мини-батчей": [
        "with_warmup['warmup_steps'] >= 20",
        "ADAM['beta2'] ** (with_warmup['warmup_steps'] - 1) > 0.98"],
    "около сотни шагов, η от очень малого значения (например, $10^{-4}$) до очень большого (10)": [
        "len(range_lrs) == 100",
        "np.isclose(range_lrs[0], 1e-4) and np.isclose(range_lrs[-1], 10)",
        "np.allclose(np.diff(np.log(range_lrs)), np.log(1e5) / 99)"],
    "Пока η мало, потери почти не меняются; потом\nначинают быстро падать": [
        "all(2.2 < m < 2.45 for m in np.median(range_losses, axis=0)[(range_lrs < 0.005)"
        " & np.isfinite(np.median(range_losses, axis=0))])",
        "range_loss(0.1) < range_loss(0.01) - 1",
        "all(not m < 2.3 for m in np.median(range_losses, axis=0)[range_lrs > 2])"],
    "Хорошее $\\eta_{\\max}$ — в области быстрого падения, обычно в несколько раз меньше": [
        "3 <= best_range_lr / 0.1 <= 6", "range_loss(0.1) < range_loss(0.05) - 0.3",
        "val_adam_01.min() > 0.9 and finals('Adam, η = 0.3').max() < 0.5"],
    # 1. conventions: your warmup_cosine_lr is the course's row of the table; momentum under a drop
    "В этом курсе шаги нумеруются с $t = 1$": [
        "warmup_cosine_lr(1, 0.1, 0.001, 10, 110) == 0.1 / 10",
        "1 + int(np.argmax([warmup_cosine_lr(t, 0.1, 0.001, 10, 110) "
        "for t in range(1, 111)])) == 10",
        "warmup_cosine_lr(110, 0.1, 0.001, 10, 110) == 0.001",
        "warmup_cosine_lr(300, 0.1, 0.001, 10, 110) == 0.001"],
    "| этот курс, `warmup_cosine_lr` | $t = 1$ |": [
        "0.99 < warmup_cosine_lr(1, 1.0, 0.0, 0, 100) < 1.0",
        "warmup_cosine_lr(1, 0.2, 0.02, 4, 12) == 0.2 / 4",
        "1 + int(np.argmax([warmup_cosine_lr(t, 0.2, 0.02, 4, 12) for t in range(1, 20)])) == 4",
        "all(warmup_cosine_lr(t, 0.2, 0.02, 4, 12) == 0.02 for t in range(12, 20))"],
    "уменьшает η в 10 раз, шаг PyTorch сразу становится в 10 раз короче": [
        "all(abs(steps_after_drop(g)[1][steps_after_drop(g)[2]] / "
        "steps_after_drop(g)[1][steps_after_drop(g)[2] - 1] - 0.1) < 1e-6 for g in (0.9, 0.99))",
        "all(steps_after_drop(g)[0][steps_after_drop(g)[2]] > 0.85 * "
        "steps_after_drop(g)[0][steps_after_drop(g)[2] - 1] for g in (0.9, 0.99))",
        "abs(memory(0.9) - 10) <= 1 and abs(memory(0.99) - 100) <= 1"],
    # 1. weight decay
    "У координат с большими (или сильно шумящими) градиентами $\\sqrt{\\hat V}$ велик": [
        "decay_at('Adam + L2', 3000, 0) > 10 * (10 * 0.999 ** 3000)",
        "decay_at('Adam + L2', 3000, 1) < 0.1 * (10 * 0.999 ** 3000)"],
    "Поэтому λ из статьи и λ из PyTorch и Keras отличаются в α раз": [
        "paper_gap(1e-3, 1e-5, 1e-5 / 1e-3) < 1e-12", "paper_gap(0.05, 2e-3, 2e-3 / 0.05) < 1e-12",
        "paper_gap(1e-3, 1e-5, 1e-5) > 1e-6"],
    # 5. data and network
    "изображения 8×8, яркость каждого пикселя — целое от 0 до 16, 10 классов (цифры 0–9)": [
        "PICTURES.shape[1:] == (8, 8) and np.issubdtype(PICTURES.dtype, np.integer)",
        "PICTURES.min() == 0 and PICTURES.max() == 16",
        "sorted(set(LABELS.tolist())) == list(range(10))",
        "TEST[0].min() >= 0 and TEST[0].max() <= 1.0",
        "sorted(set(TEST[1].tolist())) == list(range(10))"],
    "Курс использует его тестовую часть — 1797 изображений": (
        "X_train.shape[1] + X_val.shape[1] + TEST[0].shape[1] == 1797"),
    "Изображения разбиты на три части раз и навсегда": [
        "np.intersect1d(TRAIN_INDEX, VAL_INDEX).size == 0",
        "len(TRAIN_INDEX) + len(VAL_INDEX) == len(PICTURES)"],
    "**обучающая выборка** (1097 изображений)": (
        "X_train.shape == (64, 1097) and len(y_train) == 1097"),
    "**валидационная выборка** (300)": "X_val.shape == (64, 300) and len(y_val) == 300",
    "**тестовая выборка** (400)": "TEST[0].shape == (64, 400) and len(TEST[1]) == 400",
    "64 входа, скрытый слой из\n32 сигмоид, 10 выходов, softmax и перекрёстная энтропия": [
        "digits.init_params(0)['W1'].shape == (32, 64)",
        "digits.init_params(0)['W2'].shape == (10, 32)",
        "abs(digits._sigma(3.0) - 1 / (1 + np.exp(-3.0))) < 1e-15",
        "abs(digits.loss_and_grads(digits.init_params(0), X_val, y_val)[0] + np.mean(np.log("
        "digits.probabilities(digits.scores(digits.init_params(0), X_val))"
        "[y_val, np.arange(300)]))) < 1e-12",
        "numeric_gradient_error() < 1e-5"],
    "**5 эпох мини-батчами\nпо 32 объекта** (175 шагов)": [
        "capstone.EPOCHS == 5 and capstone.BATCH_SIZE == 32 and capstone.TOTAL_STEPS == 175",
        "all(run['lr'].shape[1] == 175 for run in compare_runs.values())"],
    "Зерно задаёт начальные веса и порядок мини-батчей.": [
        "not np.array_equal(digits.init_params(0)['W1'], digits.init_params(1)['W1'])",
        "not np.array_equal(capstone._minibatches(1097, np.random.default_rng(0))[0], "
        "capstone._minibatches(1097, np.random.default_rng(1))[0])",
        "np.array_equal(capstone.train(candidates['SGD, η = 0.3'], mine, 2)['accuracy'], "
        "compare_runs['SGD, η = 0.3']['accuracy'][2])"],
    "**не ниже 95.5 % при каждом из\nзёрен 0, 1, 2**": (
        "capstone.THRESHOLD == 0.955 and capstone.SEEDS == (0, 1, 2)"),
    # 5. the model answer of the report (its numbers are the reference solution's runs)
    "падать с η ≈ 0.01, медиана наименьшая около η ≈ 0.4, а при η > 2 потери выше начальных": [
        "range_loss(0.01) > 2.0 and range_loss(0.03) < range_loss(0.01) - 0.2",
        "abs(np.log(best_range_lr / 0.4)) < np.log(1.25)",
        "all(not m < 2.3 for m in np.median(range_losses, axis=0)[range_lrs > 2])"],
    "Adam η = 0.01 постоянное — 0.91–0.92; Adam η = 0.1 постоянное —\n0.93–0.94": [
        "set(np.round(finals('Adam, η = 0.01'), 2).tolist()) <= {0.91, 0.92}",
        "set(np.round(val_adam_01, 2).tolist()) <= {0.93, 0.94}"],
    "Adam η = 0.3, косинус без разогрева — 0.1–0.4": (
        "np.all((0.1 <= np.round(val_adam_03_cosine, 1)) "
        "& (np.round(val_adam_03_cosine, 1) <= 0.4))"),
    "λ = 0.02, разогрев 35 шагов (одна эпоха) и косинус до 0 — 0.963, 0.967, 0.967": [
        "SOLUTION == {'optimizer': 'adamw', 'lr': 0.15, 'weight_decay': 0.02, "
        "'schedule': 'warmup_cosine', 'warmup_steps': capstone.STEPS_PER_EPOCH, 'lr_min': 0.0}",
        "np.round(val_solution, 3).tolist() == [0.963, 0.967, 0.967]"],
    "в первые шаги (опыт 4.3), разогрев на одну эпоху это исправляет": [
        "val_solution_no_warmup.max() < 0.92 and val_solution.min() > 0.96",
        "noise_at(R, 400) < tail(C05) < tail(C5)"],
    "Запас над порогом 95.5 % —\nоколо одного пункта при худшем зерне": [
        "0.005 <= val_solution.min() - capstone.THRESHOLD <= 0.015",
        "np.max(np.abs(test_solution - val_solution)) <= 0.015", "TEST[0].shape[1] == 400"],
    # 6. model answers of the questions
    "(опыт 4.1: полка L ≈ 1.7\nпри η = 0.5 и ≈ 0.13 при η = 0.05)": [
        "abs(tail(C5) - 1.7) < 0.1 and abs(tail(C05) - 0.13) < 0.01",
        "all(0.5 < np.sqrt(2 * tail(c) / 10) / np.sqrt(e) < 2 "
        "for c, e in ((C5, 0.5), (C05, 0.05)))"],
    "Косинус долго держит η большим (быстрый спуск, как при большом постоянном η)": [
        "0.6 < np.median(noise_runs[R][:, 20:150]) / np.median(noise_runs[C5][:, 20:150]) < 1.5",
        "noise_at(R, 400) < tail(C05)"],
    "Расписание 1/t уменьшает η с первых\nшагов": [
        "warmup_cosine_lr(20, 0.5, 0.0, 0, 400) > 0.49",
        "abs(warmup_cosine_lr(200, 0.5, 0.0, 0, 400) - 0.25) < 1e-12"],
    "каждый вес сдвигается примерно на η независимо от величины и\nнадёжности его градиента": [
        "all(0.6 < np.mean(first_step(s)[0] > 0.99) < 0.73 for s in range(3))",
        "np.median(warmup_runs['без разогрева']['accuracy'][:, 1]) < 0.5",
        "np.sum(warmup_runs['без разогрева']['accuracy'][:, 1:] <= 0.11, axis=0).tolist()"
        " == [1, 1]"],
    "вес с σ = 10 за 3000 шагов остался больше 5 вместо ~0.5": [
        "decay_at('Adam + L2', 3000, 0) > 5", "abs(10 * 0.999 ** 3000 - 0.5) < 0.01",
        "decay_at('Adam + L2', 3000, 1) < 0.01",
        "abs((10 - decay_at('Adam + L2', 100, 1)) / 100 - 0.01) < 0.001"],
    "AdamW вычитает ηλw\nотдельно от шага Adam, и все веса затухают в 1 − ηλ раз": [
        "decay_alone() < 1e-12",
        "abs(decay_at('AdamW', 2000, 0) / decay_at('AdamW', 2000, 1) - 1) < 0.05"],
    "при α = 10⁻³\nзначению λ = 0.01 из PyTorch соответствует λ = 10⁻⁵ в статье": [
        "paper_gap(1e-3, 1e-5, 0.01) < 1e-12", "paper_gap(1e-3, 0.01, 0.01) > 1e-6"],
    # 7. summary: the only figure it adds
    "SGD остаётся в облаке шума вокруг минимума радиусом порядка\n  $\\sqrt\\eta$": (
        "0.8 < np.sqrt(tail(C5) / tail(C05)) / np.sqrt(0.5 / 0.05) < 1.3"),
}

LIBRARY = ("a library's convention, read in its source: torch/optim/lr_scheduler.py (LambdaLR, "
           "CosineAnnealingLR, LinearLR, OneCycleLR), torch/optim/adam.py and adamw.py "
           "(weight_decay, decoupled_weight_decay), transformers/optimization.py "
           "(get_cosine_schedule_with_warmup), "
           "keras/src/optimizers/schedules/learning_rate_schedule.py (CosineDecay), "
           "keras/src/optimizers/base_optimizer.py (iterations, _apply_weight_decay) and adamw.py; "
           "the libraries are not installed where the claims run")
RUBRIC = "the grader's rubric: how a written answer is scored, not a result"

EXEMPT_CELLS = {
    "intro": "the lesson's plan", "ex1-intro": TASK, "ex2-check-intro": TASK,
    "cap-report-q": TASK, "questions": TASK, "q-decay-text": TASK,
}

EXEMPT = {
    "В стохастическом градиентном спуске (SGD) градиент мини-батча": DEFINITION,
    "Роббинс и Монро (1951) дали достаточные условия": (
        "cites a theorem (Robbins, Monro 1951); what it implies is checked on 4.1's runs"),
    "гармонический\nряд расходится, а ряд из квадратов сходится": DEFINITION,
    "Библиотеки\nвызывают расписание с номером, который начинается с 0": LIBRARY,
    "| расписание | чему равен номер на первом шаге |": "a table's header: names the columns",
    "| PyTorch `CosineAnnealingLR(T_max, eta_min)` |": LIBRARY,
    "| Hugging Face `get_cosine_schedule_with_warmup(W, T)` |": LIBRARY,
    "| Keras `CosineDecay(…, warmup_target, warmup_steps)` |": LIBRARY,
    "| PyTorch `OneCycleLR(max_lr, total_steps)` |": LIBRARY,
    "| PyTorch `LinearLR(start_factor, end_factor, total_iters)`, частый разогрев |": LIBRARY,
    "Чтобы веса не росли без нужды (и сеть меньше переобучалась)": (
        "the motivation of a definition; overfitting is not measured in this course"),
    "**Для SGD L2-штраф и затухание весов — одно и то же.**": DEFINITION,
    "А `torch.optim.Adam(weight_decay=...)` добавляет": LIBRARY,
    "Keras 3: параметр `weight_decay` есть у любого оптимизатора": LIBRARY,
    "Набор\nраспространяется по лицензии Creative Commons Attribution 4.0": (
        "the data set's licence, as the UCI repository states it; not a measurement"),
    "Если много раз подбирать выбор по одной и той же выборке": (
        "a general fact about selecting on one sample (selection bias); the lesson does not "
        "measure it"),
    "Порог выбран так, чтобы его проходили не все разумные\nварианты": (
        "measured by scripts/capstone_grid.py (the README's figure): 525 trainings, minutes of "
        "CPU, too slow for this run"),
    "Какой метод, какое η и какое расписание выбрать — решать вам": TASK,
    "Проверим, что выбор записан правильно, и обучим сеть по нему": SET_UP,
    "**2 балла:**": RUBRIC, "**1 балл:**": RUBRIC, "**0 баллов:**": RUBRIC,
    "Пример ответа на 2 балла (числа у каждого свои).": RUBRIC,
    "При ηₜ = η₀/(1 + t/τ) сумма\nΣηₜ расходится": DEFINITION,
    "У SGD шаг пропорционален градиенту: малый градиент сам даёт малый шаг": DEFINITION,
    "SGD с L2: w ← w − η(g + λw) = (1 − ηλ)w − ηg": DEFINITION,
    "В Adam градиент штрафа λw попадает в M и V и делится на √V̂": DEFINITION,
    "Ступенчатое расписание, $1/t$ и косинус — три способа уменьшать η": SUMMARY,
    "Проверка диапазона η за сотню шагов показывает": SUMMARY,
    "Для SGD L2-штраф и затухание весов совпадают; в Adam штраф": SUMMARY,
    "Библиотеки нумеруют шаги с нуля": LIBRARY,
    "На настоящей задаче выбор метода и расписания решает": SUMMARY,
}
