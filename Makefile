# The README's two set-up commands are `make run` and `make test`; both work on a fresh machine.
.PHONY: run test build release model clean

# The main job on the embedded default model (builds, fetches the model if missing). FILES=… to choose.
run:
	scripts/run.sh $(FILES)

# Every test (installs what the tests need, fetches the model, swift test, schema checks). Same as .ci/run.
test:
	scripts/test.sh

build:
	swift build

release:
	swift build -c release

# Download (or verify) the embedded default model.
model: build
	"$$(swift build --show-bin-path)/vsynth" model fetch

clean:
	swift package clean
