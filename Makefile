# Every target sets itself up from nothing but Python 3.11 and make.
PYTHON ?= python3
UV := $(PYTHON) -m uv
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_HOME ?= $(CURDIR)/.prefect
PREFECT_PORT ?= 4200

.PHONY: setup demo test test-fast bench serve lint mlflow-ui notebook clean web bench-web

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

setup: .venv/.synced

demo: setup
	$(UV) run retention demo

test: setup
	$(UV) run pytest -n 2 --dist loadfile --no-loadscope-reorder -q -p no:cacheprovider

test-fast: setup
	$(UV) run pytest -q -m "not slow" -p no:cacheprovider

# A small run: make bench BENCH_SIZES=2000 BENCH_WEB_TALENTS=2000 BENCH_SMALL_SIZES=1000
# Quality benches write their own sections of benchmarks/results.md (sizes overridable).
BENCH_SMALL_SIZES ?= 1000,3000,20000
BENCH_WORLDS_VARIANTS ?= 1,2,3,4,5
BENCH_WORLDS_TALENTS ?= 20000
# The offer plan judged against the simulator's truth: plan, oracle, risk-first and random side by side.
BENCH_PLAN_TALENTS ?= 8000
BENCH_PLAN_SEEDS ?= 0,1,2

bench: setup
	$(UV) run python -m benchmarks.run $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))
	$(UV) run python -m benchmarks.bench_monitor
	$(UV) run python -m benchmarks.plan_quality --talents $(BENCH_PLAN_TALENTS) --seeds $(BENCH_PLAN_SEEDS)
	$(UV) run python -m benchmarks.workspace_load $(if $(BENCH_WEB_TALENTS),--talents $(BENCH_WEB_TALENTS))
	$(UV) run python -m benchmarks.small --sizes $(BENCH_SMALL_SIZES)
	$(UV) run python -m benchmarks.worlds --variants $(BENCH_WORLDS_VARIANTS) --talents $(BENCH_WORLDS_TALENTS)
	$(UV) run python -m benchmarks.deploy --talents $(BENCH_WORLDS_TALENTS)
	$(UV) run python -m benchmarks.deploy --talents 3000 --cache /tmp/bench/deploy3k

bench-web: setup
	$(UV) run python -m benchmarks.workspace_load

serve: setup
	$(UV) run python -m flows.deploy --port $(PREFECT_PORT) $(if $(DATA),--data $(DATA)) $(if $(OUT),--out $(OUT))

# The officers' workspace over the demo's lists (runs the demo first if there is none).
web: setup
	@ls demo/risk_lists/*/risk_list.parquet >/dev/null 2>&1 || $(UV) run retention demo
	$(UV) run python -m workspace.demo --lists demo/risk_lists --data demo/registry
	$(UV) run retention web --host 127.0.0.1 --port 8000

mlflow-ui: setup
	$(UV) run mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --host 127.0.0.1 --port 5000

notebook: setup
	$(UV) run jupyter lab --ip 127.0.0.1 --no-browser --notebook-dir notebooks

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

clean:
	rm -rf .venv work demo mlruns .prefect .pytest_cache
