# The README's two set-up commands are `make run` and `make test`; both work on a fresh machine.
.PHONY: run test build release model install uninstall clean

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

# Installs vsynth into $(PREFIX)/bin and the editor clients into $(PREFIX)/share/vsynth/{vim,neovim,emacs}
# (PREFIX default ~/.local; DESTDIR for packaging), then fetches the model unless FETCH_MODEL=0.
PREFIX ?= $(HOME)/.local
FETCH_MODEL ?= 1
install: release
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/vsynth"
	install -m 755 "$$(swift build -c release --show-bin-path)/vsynth" "$(DESTDIR)$(PREFIX)/bin/vsynth"
	rm -rf "$(DESTDIR)$(PREFIX)/share/vsynth/vim" "$(DESTDIR)$(PREFIX)/share/vsynth/neovim" "$(DESTDIR)$(PREFIX)/share/vsynth/emacs"
	cp -R editor-clients/vim editor-clients/neovim editor-clients/emacs "$(DESTDIR)$(PREFIX)/share/vsynth/"
	@if [ "$(FETCH_MODEL)" = 1 ] && [ -z "$(DESTDIR)" ]; then "$(PREFIX)/bin/vsynth" model fetch; fi
	@echo "installed $(DESTDIR)$(PREFIX)/bin/vsynth and the editor clients in $(DESTDIR)$(PREFIX)/share/vsynth"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on your PATH; add it there for the shell (the editor clients also look in ~/.local/bin)";; esac

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/vsynth"
	rm -rf "$(DESTDIR)$(PREFIX)/share/vsynth"

clean:
	swift package clean
