# Child helpline assistant: every command a newcomer needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
# Privacy: Rasa must never send telemetry or crash reports (which could hold message text) anywhere.
export RASA_TELEMETRY_ENABLED := false
# Defaults for the values endpoints.yml substitutes; override any of them in the environment.
export REDIS_HOST ?= localhost
export REDIS_PORT ?= 6379
export REDIS_PASSWORD ?=
export REDIS_DB ?= 0
export TRACKER_RETENTION_S ?= 0
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export CONSOLE_PORT ?= 8080
export ACTION_SERVER_URL ?= http://localhost:$(ACTION_PORT)/webhook
RASA_DATA := data/nlu data/stories data/rules

.PHONY: help
help: ## List the commands
	@echo "Child helpline assistant. Main commands:"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-camel.txt scripts/find-python310.sh
	@PY310="$$(scripts/find-python310.sh)" && echo "Creating $(VENV) with $$PY310" && \
	  { [ -x $(PY) ] || "$$PY310" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<25" 2>&1 | grep -v '^WARNING: Location' || true
	$(PY) -m pip install --quiet -r requirements.txt 2>&1 | grep -v '^WARNING: Location' || true
	$(PY) -m pip install --quiet --no-deps -r requirements-camel.txt 2>&1 | grep -v '^WARNING: Location' || true
	$(PY) -c "import rasa, rasa_sdk, spacy, camel_tools.utils.dediac, redis, argon2, textstat, playwright"
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv (Python 3.10) and install pinned dependencies

.PHONY: redis
redis: ## Install Debian's redis-server if missing
	@scripts/ensure-system-packages.sh redis

.PHONY: browser
browser: ## Install Debian's chromium and chromium-driver if missing (browser tests)
	@scripts/ensure-system-packages.sh browser

.PHONY: train
train: $(STAMP) ## Train the model if its inputs changed (data, domain, config, lexicon, NLU code)
	@$(PY) -m bot.training

.PHONY: run
run: $(STAMP) redis train ## Start Redis, action server, Rasa server and console; print the URLs
	@$(PY) -m bot.stack

.PHONY: shell
shell: $(STAMP) redis train ## Talk to the bot in this terminal (same Redis, action server started for you)
	@$(PY) -m bot.shell

.PHONY: user
user: $(STAMP) ## Create a console account: make user NAME=amal ROLE=counsellor|supervisor (asks a password)
	@test -n "$(NAME)" || { echo "usage: make user NAME=<name> ROLE=counsellor|supervisor"; exit 2; }
	@read -r -s -p "Password for $(NAME) (12+ characters): " password && echo && \
	  printf '%s\n' "$$password" | $(PY) -m bot.console add-user "$(NAME)" --role "$(or $(ROLE),counsellor)"

.PHONY: validate
validate: $(STAMP) ## Check data: rasa data validate --fail-on-warnings, then the content lint
	$(PY) -m rasa data validate --fail-on-warnings --config config.yml --domain domain.yml --data $(RASA_DATA)
	@if [ -f bot/content/lint.py ]; then $(PY) -m bot.content.lint; fi

.PHONY: test
test: $(STAMP) redis browser validate train ## Run every check (what CI runs)
	$(PY) -m pytest -p no:cacheprovider tests
	$(PY) -m bot.test_stories
	$(MAKE) --no-print-directory eval-nlu
	$(MAKE) --no-print-directory eval-safety

.PHONY: eval-nlu
# The target is 0.90 per language; CI fails below 0.85 to catch regressions (see README "Measured").
eval-nlu: $(STAMP) train ## Intent macro-F1 per language (ar, arabizi, en) on held-out examples
	$(PY) -m bot.evaluate_nlu --min-f1 0.85

.PHONY: eval-safety
eval-safety: $(STAMP) train ## Risk recall, false positives, confusion table and latency (dev sets, then each blind set)
	$(PY) -m bot.safety.evaluate --min-recall 0.95 --max-fpr 0.05 --blind-sets $(wildcard data/safety/evaluation/blind_set*.yml)

.PHONY: bench-handoff
bench-handoff: $(STAMP) redis train ## Handoff latency: child message -> ticket in the queue; claim; reply
	$(PY) -m benchmarks.handoff

.PHONY: review
review: $(STAMP) ## Write reports/review.html: every response side by side, for clinical sign-off
	$(PY) -m bot.content.review

.PHONY: story
story: $(STAMP) ## Turn a stored conversation into a test story: make story ID=<conversation id>
	@test -n "$(ID)" || { echo "usage: make story ID=<conversation id>"; exit 2; }
	$(PY) -m bot.content.story "$(ID)"

.PHONY: clean
clean: ## Remove trained models, logs and reports (keeps .venv and Redis data)
	rm -rf models/*.tar.gz logs reports .rasa
