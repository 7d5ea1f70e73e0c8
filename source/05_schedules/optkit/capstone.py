"""Итоговое задание урока 5: обучение классификатора цифр выбранным методом и расписанием.

Выбор — обычный словарь, например::

    {"optimizer": "momentum", "lr": 0.1, "gamma": 0.9, "schedule": "step",
     "step_size": 70, "factor": 0.3}

(этот выбор порога не достигает). ``optimizer`` — один из методов курса (ключ
``OPTIMIZERS``), ``lr`` — скорость обучения η (для расписаний — начальная или наибольшая),
``schedule`` — расписание (ключ ``SCHEDULES``); остальные ключи — гиперпараметры метода и
расписания (у каждого есть значение по умолчанию).

Бюджет у всех один: ``EPOCHS`` эпох мини-батчами по ``BATCH_SIZE`` объектов, то есть
``TOTAL_STEPS`` шагов. Подбирайте выбор по валидационной выборке (её точность возвращают
``train`` и ``final_accuracies``). Оценивают его по тестовой выборке, которой в наборе курса
нет: при оценивании сеть заново обучают по вашему выбору эталонными реализациями методов, и
порог засчитывается, если точность на тестовой выборке не ниже ``THRESHOLD`` при каждом зерне
из ``SEEDS`` (зерно задаёт начальные веса и порядок мини-батчей). Числа, которые печатает
ноутбук, на оценку не влияют.
"""

import math
import numbers

import numpy as np

from . import digits, harness, optimizers, previous
from .rules import RULES

EPOCHS = 5
BATCH_SIZE = 32
N_TRAIN = 1097
STEPS_PER_EPOCH = math.ceil(N_TRAIN / BATCH_SIZE)
TOTAL_STEPS = EPOCHS * STEPS_PER_EPOCH
SEEDS = (0, 1, 2)
THRESHOLD = 0.955

# optimizer: (the update function it needs, {hyperparameter: default}), from the rules table
OPTIMIZERS = {method: (rule.function, dict(rule.defaults)) for method, rule in RULES.items()}
# schedule: {parameter: default}
SCHEDULES = {
    "constant": {},
    "step": {"step_size": 2 * STEPS_PER_EPOCH, "factor": 0.3},
    "inverse_time": {"decay": 0.01},
    "warmup_cosine": {"lr_min": 0.0, "warmup_steps": 0, "total_steps": TOTAL_STEPS},
}
# parameter: (low, high, whole number, low included, high included)
LIMITS = {
    "lr": (0.0, 100.0, False, False, True),
    "gamma": (0.0, 1.0, False, True, False),
    "rho": (0.0, 1.0, False, True, False),
    "beta1": (0.0, 1.0, False, True, False),
    "beta2": (0.0, 1.0, False, True, False),
    "eps": (0.0, 1.0, False, False, True),
    "weight_decay": (0.0, 1.0, False, True, True),
    "step_size": (1, 10 * TOTAL_STEPS, True, True, True),
    "factor": (0.0, 1.0, False, False, True),
    "decay": (0.0, 10.0, False, True, True),
    "lr_min": (0.0, 100.0, False, True, True),
    "warmup_steps": (0, 10 * TOTAL_STEPS, True, True, True),
    "total_steps": (1, 10 * TOTAL_STEPS, True, True, True),
}


def check_choice(choice):
    """None, если выбор записан правильно, иначе строка с объяснением, что не так."""
    if not isinstance(choice, dict):
        return f"выбор должен быть словарём, а получен {type(choice).__name__}"
    optimizer, schedule = choice.get("optimizer"), choice.get("schedule", "constant")
    if optimizer not in OPTIMIZERS:
        return (f"неизвестный метод optimizer={optimizer!r}; возможны: "
                + ", ".join(OPTIMIZERS))
    if schedule not in SCHEDULES:
        return (f"неизвестное расписание schedule={schedule!r}; возможны: "
                + ", ".join(SCHEDULES))
    if "lr" not in choice:
        return "не задана скорость обучения lr"
    allowed = {"optimizer", "schedule", "lr", *OPTIMIZERS[optimizer][1], *SCHEDULES[schedule]}
    extra = sorted(str(key) for key in choice if key not in allowed)
    if extra:
        return (f"ключи {', '.join(extra)} не относятся к методу {optimizer} и расписанию "
                f"{schedule}; допустимы: {', '.join(sorted(allowed))}")
    for key in allowed - {"optimizer", "schedule"}:
        if key in choice:
            problem = _check_number(key, choice[key])
            if problem:
                return problem
    settings = _settings(choice)
    if schedule == "warmup_cosine":
        if settings["warmup_steps"] > settings["total_steps"]:
            return "warmup_steps не может быть больше total_steps"
        if settings["lr_min"] > settings["lr"]:
            return "lr_min не может быть больше lr"
    return None


def _check_number(key, value):
    low, high, whole, low_in, high_in = LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return f"{key} должно быть числом, а получено {type(value).__name__}"
    if whole and not isinstance(value, numbers.Integral):
        return f"{key} должно быть целым числом, а получено {value!r}"
    value = float(value)
    inside = ((low <= value if low_in else low < value)
              and (value <= high if high_in else value < high))
    if not (math.isfinite(value) and inside):
        left, right = "[" if low_in else "(", "]" if high_in else ")"
        return f"{key} = {value:g} вне допустимого промежутка {left}{low:g}, {high:g}{right}"
    return None


def _settings(choice):
    """The choice with every default filled in (numbers as Python floats and ints)."""
    optimizer, schedule = choice["optimizer"], choice.get("schedule", "constant")
    settings = {"optimizer": optimizer, "schedule": schedule}
    for key, default in {"lr": None, **OPTIMIZERS[optimizer][1],
                         **SCHEDULES[schedule]}.items():
        value = choice.get(key, default)
        settings[key] = int(value) if LIMITS[key][2] else float(value)
    return settings


def learning_rate(choice, warmup_cosine_lr=None):
    """Функция t ↦ η_t (t = 1, 2, …) по выбору; для «warmup_cosine» нужна ваша
    ``warmup_cosine_lr``."""
    s = _settings(choice)
    lr = s["lr"]
    if s["schedule"] == "constant":
        return lambda t: lr
    if s["schedule"] == "step":
        return lambda t: lr * s["factor"] ** ((t - 1) // s["step_size"])
    if s["schedule"] == "inverse_time":
        return lambda t: lr / (1.0 + s["decay"] * t)
    return lambda t: warmup_cosine_lr(t, lr, s["lr_min"], s["warmup_steps"], s["total_steps"])


def needs(choice):
    """Имена функций, нужных для обучения по выбору ``choice``."""
    names = [OPTIMIZERS[choice["optimizer"]][0]]
    if choice.get("schedule") == "warmup_cosine":
        names.append("warmup_cosine_lr")
    return names


def _optimizer(settings, functions, lr_at):
    """The chosen method as a kit optimizer, stepping with the student's update function."""
    method = settings["optimizer"]
    hyper = {key: settings[key] for key in RULES[method].defaults}
    return optimizers.from_rule(method, functions[RULES[method].function], lr_at, method, **hyper)


_DATA = {}


def _data():
    if not _DATA:
        _DATA["all"] = digits.load()
    return _DATA["all"]


def _minibatches(n_samples, rng):
    """One epoch: a permutation of the training set cut into batches of BATCH_SIZE."""
    order = rng.permutation(n_samples)
    return [order[start:start + BATCH_SIZE] for start in range(0, n_samples, BATCH_SIZE)]


def train(choice, functions, seed, epochs=EPOCHS, evaluate_on=None):
    """Обучает классификатор цифр по выбору ``choice`` при зерне ``seed``.

    functions — словарь {имя: функция} с функциями обновления (например,
    ``{"adamw_update": adamw_update, "warmup_cosine_lr": warmup_cosine_lr}``);
    evaluate_on — пара ``(X, y)``, на которой измеряется точность (по умолчанию —
    валидационная выборка).
    Возвращает словарь массивов: ``accuracy`` — точность до обучения и после каждой эпохи
    (длина epochs + 1); ``loss`` — функция потерь на обучающей выборке в те же моменты;
    ``seconds`` — время обучения к этим моментам; ``lr`` — η на каждом шаге.
    Обучение идёт на общем стенде курса (``harness.train``).
    """
    problem = check_choice(choice)
    if problem:
        raise ValueError(f"Выбор записан неверно: {problem}.")
    settings = _settings(choice)
    X, y, X_val, y_val = _data()
    X_val, y_val = evaluate_on if evaluate_on is not None else (X_val, y_val)
    lr_at = learning_rate(settings, functions.get("warmup_cosine_lr"))
    run = harness.train(digits.loss_and_grads, digits.init_params(seed), X, y,
                        _optimizer(settings, functions, lr_at), _minibatches, epochs, seed,
                        measure=lambda params: {"accuracy": digits.accuracy(params, X_val, y_val)})
    steps = epochs * math.ceil(X.shape[1] / BATCH_SIZE)
    history = {"accuracy": run["accuracy"], "loss": run["loss"], "seconds": run["seconds"]}
    for values in history.values():  # a diverged run stops early: its last values stay
        values += values[-1:] * (epochs + 1 - len(values))
    history["loss"] = [loss if np.isfinite(loss) else np.inf for loss in history["loss"]]
    with np.errstate(all="ignore"):
        history["lr"] = [float(lr_at(t)) for t in range(1, steps + 1)]
    return {key: np.array(value) for key, value in history.items()}


def range_test(choice, functions, lr_from=1e-4, lr_to=10.0, steps=100, seed=0):
    """Проверка диапазона скоростей обучения (LR range test).

    Метод из ``choice`` (его расписание не используется) делает ``steps`` шагов, а η растёт
    от ``lr_from`` до ``lr_to`` в геометрической прогрессии. Возвращает пару массивов длины
    steps: η на каждом шаге и функцию потерь на мини-батче этого шага (до шага); после того
    как потери перестали быть числом или выросли в 10 раз над начальными, дальше — inf.
    """
    problem = check_choice(choice)
    if problem:
        raise ValueError(f"Выбор записан неверно: {problem}.")
    X, y, _, _ = _data()
    params = digits.init_params(seed)
    lrs = np.geomspace(lr_from, lr_to, steps)
    optimizer = _optimizer(_settings(choice), functions, lambda t: lrs[t - 1])
    w, rng = harness.flatten(params, params), np.random.default_rng(seed)
    state, losses, batches = optimizer.init(w), np.full(steps, np.inf), []
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            if not batches:
                batches = _minibatches(X.shape[1], rng)
            idx = batches.pop(0)
            Xb, yb = X[:, idx], y[idx]

            def grad_fn(point, Xb=Xb, yb=yb):
                return harness.flatten(
                    digits.loss_and_grads(harness.unflatten(point, params), Xb, yb)[1], params)

            loss = digits.loss_and_grads(harness.unflatten(w, params), Xb, yb)[0]
            if not (np.isfinite(loss) and loss < 10 * losses[0] if t > 1 else np.isfinite(loss)):
                break
            losses[t - 1] = loss
            w, state = optimizer.step(w, grad_fn, state, t)
    return lrs, losses


def train_seeds(choice, functions, seeds=SEEDS, epochs=EPOCHS, evaluate_on=None):
    """``train`` при нескольких зёрнах: словарь массивов формы (len(seeds), epochs + 1)."""
    runs = [train(choice, functions, seed, epochs, evaluate_on) for seed in seeds]
    return {key: np.array([run[key] for run in runs]) for key in runs[0]}


def final_accuracies(choice, functions, seeds=SEEDS, evaluate_on=None):
    """Точность после обучения при каждом зерне из ``seeds`` (по умолчанию — на валидационной
    выборке)."""
    return [float(run) for run in
            train_seeds(choice, functions, seeds, evaluate_on=evaluate_on)["accuracy"][:, -1]]


def my_functions(**given):
    """Ваши функции для итогового задания: переданные явно (функции урока 5) и функции
    обновления из уроков 1–4, загруженные из их ноутбуков (если они лежат рядом и решены)."""
    found = dict(given)
    for rule in RULES.values():
        if rule.function not in found and rule.lesson != "05_schedules":
            func = previous.load(rule.lesson, rule.function)
            if func is not None:
                found[rule.function] = func
    return found
