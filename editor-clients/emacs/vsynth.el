;;; vsynth.el --- Synthesize and score few-shot demonstrations in prompt files  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 The VSynth authors

;; Author: The VSynth authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools, convenience
;; URL: https://github.com/vsynth/vsynth

;; This file is not part of GNU Emacs.

;;; Commentary:

;; VSynth scores the few-shot demonstrations of LLM prompt files (`.prompt', Dotprompt, and
;; `.prompt.md') with V-Score and synthesizes new ones.  This package is its Emacs client:
;;
;; - `vsynth-mode', a major mode for prompt files (derived from `markdown-mode' when that is
;;   installed, else from `text-mode');
;; - the Eglot registration of the daemon (`vsynth lsp'), for Emacs 28 with the `eglot'
;;   package (1.9 or later) and for Emacs 29+ with the built-in Eglot;
;; - scores at each demonstration: Flymake diagnostics through Eglot plus an overlay after the
;;   demonstration's first line;
;; - progress and counts in the mode line (from the daemon's `vsynth/status' notifications, which
;;   carry the synthesis percentage, so no `$/progress' is needed);
;; - the commands `vsynth-synthesize' (prefix argument: how many), `vsynth-top-up',
;;   `vsynth-replace-weakest', `vsynth-rescore', `vsynth-refresh', `vsynth-explain' and
;;   `vsynth-cancel'.
;;
;; Edits from the daemon are applied only when the buffer is still at the version they were
;; planned against and they stay inside the demonstrations region; an insertion is one undo step
;; of its own.  A refresh on save that arrives while the buffer is still unmodified is saved.
;;
;; Set up (`make install' puts this file under ~/.local/share/vsynth/emacs):
;;
;;   (add-to-list 'load-path "~/.local/share/vsynth/emacs")
;;   (require 'vsynth)
;;
;; or `package-install-file' on this file.  Prompt files then start the daemon (`vsynth-autostart').
;; `vsynth-program' names it (default: $VSYNTH_BIN, else `vsynth' on `exec-path', else
;; ~/.local/bin/vsynth); `vsynth-options' holds its settings (backend, model, threshold …).

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'eglot)
(require 'jsonrpc)

(defgroup vsynth nil
  "Synthesize and score few-shot demonstrations in prompt files."
  :group 'tools
  :prefix "vsynth-")

(defcustom vsynth-program nil
  "The `vsynth' executable, or nil for the default.
The default is $VSYNTH_BIN, else `vsynth' on `exec-path', else
~/.local/bin/vsynth (where `make install' puts it)."
  :type '(choice (const :tag "Default" nil) file))

(defcustom vsynth-autostart t
  "Whether visiting a prompt file starts the daemon (through `eglot-ensure')."
  :type 'boolean)

(defcustom vsynth-options nil
  "Settings sent to the daemon as `initializationOptions'.
A plist with any of :backend (\"embedded\" or a remote backend),
:model (GGUF path or model name), :threads, :threshold (nats), :count,
:seed and :refresh (\"off\", \"score\" or \"on-save\").  Settings in a
prompt file's frontmatter win over these."
  :type '(plist :key-type symbol :value-type sexp))

(defcustom vsynth-synthesize-default-count 1
  "How many demonstrations `vsynth-synthesize' asks for without a prefix argument."
  :type 'natnum)

(defcustom vsynth-show-score-overlays t
  "Whether to show each demonstration's score after its first line."
  :type 'boolean)

(defface vsynth-score '((t :inherit shadow))
  "Face of a demonstration's score.")

(defface vsynth-weak-score '((t :inherit warning))
  "Face of the score of a demonstration under the threshold.")

(defface vsynth-error '((t :inherit error))
  "Face of a parse error shown at a demonstration.")

(defface vsynth-hint '((t :inherit success))
  "Face of the hint saying how to fill a file without demonstrations.")

;;;; The major mode

(defalias 'vsynth--parent-mode
  (if (fboundp 'markdown-mode) 'markdown-mode 'text-mode)
  "The mode `vsynth-mode' derives from: `markdown-mode' when present.")

(defvar-local vsynth--scores nil
  "The diagnostics last published for this buffer: scores, parse problems, hints.
A list of (LINE SEVERITY MESSAGE CODE), LINE 0-based.")

(defvar-local vsynth--status nil
  "The daemon's last status for this buffer: a plist (:state :message :percentage).")

(defvar-local vsynth--counts nil
  "The daemon's last counts for this buffer: a plist (:demonstrations :scored
:low :errors :warnings), or nil before the first.")

(defvar-local vsynth--job nil
  "The last status of the synthesis running for this buffer, or nil.
A job starts with the state \"synthesizing\" (each such status carries its
percentage) and ends with an \"idle\" that carries a message; scoring
meanwhile reports its own idle.")

(defvar-local vsynth--last-apply nil
  "The answer to the last `workspace/applyEdit' for this buffer.")

(defvar vsynth-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-v s") #'vsynth-synthesize)
    (define-key map (kbd "C-c C-v t") #'vsynth-top-up)
    (define-key map (kbd "C-c C-v w") #'vsynth-replace-weakest)
    (define-key map (kbd "C-c C-v r") #'vsynth-rescore)
    (define-key map (kbd "C-c C-v k") #'vsynth-cancel)
    (define-key map (kbd "C-c C-v f") #'vsynth-refresh)
    (define-key map (kbd "C-c C-v e") #'vsynth-explain)
    ;; Saving an unmodified prompt file still asks the daemon for its refresh on save.
    (define-key map [remap save-buffer] #'vsynth-save-buffer)
    map)
  "Keymap of `vsynth-mode'.")

;;;###autoload
(define-derived-mode vsynth-mode vsynth--parent-mode "VSynth"
  "Major mode for prompt files whose demonstrations VSynth scores and synthesizes.
\\{vsynth-mode-map}"
  (setq-local mode-line-process '(:eval (vsynth-mode-line)))
  (when vsynth-autostart (vsynth-ensure)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.prompt\\'" . vsynth-mode))
;;;###autoload
(add-to-list 'auto-mode-alist '("\\.prompt\\.md\\'" . vsynth-mode))

;;;; Eglot registration

(defclass vsynth-eglot-server (eglot-lsp-server) ()
  :documentation "The VSynth daemon, `vsynth lsp'.")

(defun vsynth-executable ()
  "The daemon's executable.
`vsynth-program', else $VSYNTH_BIN, else `vsynth' on `exec-path', else
~/.local/bin/vsynth."
  (or vsynth-program
      (let ((env (getenv "VSYNTH_BIN"))) (and env (not (string-empty-p env)) env))
      (executable-find "vsynth")
      (let ((installed (expand-file-name "~/.local/bin/vsynth")))
        (and (file-executable-p installed) installed))
      "vsynth"))

(defvar vsynth--reported nil
  "The problems already reported, so each is said once, not once per prompt file.")

(defun vsynth--report (format-string &rest args)
  "Say FORMAT-STRING with ARGS, unless it was said already."
  (let ((text (apply #'format format-string args)))
    (unless (member text vsynth--reported)
      (push text vsynth--reported)
      (display-warning 'vsynth text :error))
    text))

(defun vsynth--missing-executable ()
  "The message for a missing executable, or nil when it is there."
  (let ((program (vsynth-executable)))
    (unless (if (file-name-absolute-p program) (file-executable-p program) (executable-find program))
      (format (concat "vsynth: executable '%s' not found; run `make install' in the VSynth sources,"
                      " or set `vsynth-program'")
              program))))

;;;###autoload
(defun vsynth-ensure ()
  "Start the daemon for this buffer (`eglot-ensure').
If it cannot start, say why, once."
  (let ((missing (vsynth--missing-executable)))
    (if missing (vsynth--report "%s" missing) (eglot-ensure))))

;;;###autoload
(defun vsynth-eglot-contact (&optional _interactive)
  "The Eglot contact of the VSynth daemon: its class and command line."
  (let ((missing (vsynth--missing-executable)))
    (when missing (user-error "%s" missing)))
  (list 'vsynth-eglot-server (vsynth-executable) "lsp"))

;;;###autoload
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(vsynth-mode . vsynth-eglot-contact)))

(cl-defmethod eglot-initialization-options ((_server vsynth-eglot-server))
  "VSynth's settings, and a request for `vsynth/status' notifications."
  (append (list :statusNotifications t) vsynth-options))

(cl-defmethod eglot-client-capabilities :around ((_server vsynth-eglot-server))
  "Eglot's capabilities, with plain-text hovers where Markdown is not rendered.
Hovers go to the echo area, where Markdown is not rendered unless
`markdown-mode' is installed.  (The mode line's percentage comes from
`vsynth/status', so Eglot 1.9, which takes no `$/progress', shows it too.)"
  (let* ((caps (cl-call-next-method))
         (text-document (plist-get caps :textDocument)))
    (unless (fboundp 'gfm-view-mode)
      (setq caps (plist-put caps :textDocument
                            (plist-put text-document :hover
                                       (list :dynamicRegistration :json-false
                                             :contentFormat ["plaintext"])))))
    caps))

;;;; Helpers over Eglot versions

(defun vsynth--uri-to-path (uri)
  "URI as a file name, with whichever function this Eglot has."
  (if (fboundp 'eglot-uri-to-path) (eglot-uri-to-path uri) (eglot--uri-to-path uri)))

(defun vsynth--buffer-of (uri)
  "The live buffer visiting URI, or nil."
  (let ((path (vsynth--uri-to-path uri)))
    (and path (find-buffer-visiting path))))

(defun vsynth--uri ()
  "The URI of the current buffer, as Eglot sends it."
  (plist-get (eglot--TextDocumentIdentifier) :uri))

(defun vsynth-region ()
  "The demonstrations region: (OPEN-LINE-START . CLOSE-LINE-END), or nil."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (when (re-search-forward
             "\\({{!--?[ \t]*vsynth:demos[ \t]*--?}}\\|<!--[ \t]*vsynth:demos[ \t]*-->\\)" nil t)
        (let ((open (line-beginning-position)))
          (when (re-search-forward
                 "\\({{!--?[ \t]*/vsynth:demos[ \t]*--?}}\\|<!--[ \t]*/vsynth:demos[ \t]*-->\\)" nil t)
            (cons open (line-end-position))))))))

;;;; Applying edits from the daemon

(define-error 'vsynth-edit-refused "VSynth edit refused")

(defun vsynth--check-text-edits (edits version)
  "Signal `vsynth-edit-refused' unless EDITS may be applied at VERSION.
They may when this buffer is at VERSION (or VERSION is nil) and every
edit lies inside the demonstrations region."
  (when (and version (not (equal version eglot--versioned-identifier)))
    (signal 'vsynth-edit-refused
            (list (format "vsynth.el: buffer is at version %s, the edit was planned against %s"
                          eglot--versioned-identifier version))))
  (let ((region (vsynth-region)))
    (unless region
      (signal 'vsynth-edit-refused (list "vsynth.el: the buffer has no demonstrations region")))
    (mapc (lambda (edit)
            (let ((r (eglot--range-region (plist-get edit :range))))
              (unless (and (<= (car region) (car r)) (<= (cdr r) (cdr region)))
                (signal 'vsynth-edit-refused
                        (list "vsynth.el: the edit reaches outside the demonstrations region")))))
          edits)))

(defvar-local vsynth--saved nil
  "Non-nil after a save, until the next command or edit.
An edit arriving while the buffer is unmodified and this is set is the
daemon's refresh on save: the buffer is saved again after it.")

(defun vsynth--apply-text-edits (edits)
  "Apply EDITS (already checked) to this buffer as one undo step of its own.
The boundaries around it keep it apart from the user's typing before and
after (edits arrive from the process filter, outside any command)."
  (let ((save (and vsynth--saved (not (buffer-modified-p))))
        ;; The boundary first: amalgamating the group removes every boundary after its start, so
        ;; one set after `prepare-change-group' would join the user's typing before it to the edit.
        (group (progn (undo-boundary) (prepare-change-group))))
    (unwind-protect
        (progn
          (activate-change-group group)
          (eglot--apply-text-edits edits nil)
          (accept-change-group group)
          (undo-amalgamate-change-group group)
          (setq group nil))
      (when group (cancel-change-group group)))
    (undo-boundary)
    (when save
      (setq vsynth--saved nil)
      ;; Without the save hooks: no didSave, so no second refresh.
      (let ((before-save-hook nil) (after-save-hook nil) (inhibit-message t))
        (save-buffer)))))

(defun vsynth--apply-workspace-edit (wedit)
  "Check WEDIT against the buffers it targets, then apply it; signal if refused."
  (let ((todo '()))
    (mapc (lambda (dc)
            (when (plist-get dc :kind)
              (signal 'vsynth-edit-refused (list "vsynth.el: resource operations are not supported")))
            (let ((td (plist-get dc :textDocument)))
              (push (list (plist-get td :uri) (plist-get dc :edits) (plist-get td :version)) todo)))
          (plist-get wedit :documentChanges))
    (unless (plist-get wedit :documentChanges)
      (cl-loop for (uri edits) on (plist-get wedit :changes) by #'cddr
               do (push (list (substring (symbol-name uri) 1) edits nil) todo)))
    (let ((prepared
           (mapcar (pcase-lambda (`(,uri ,edits ,version))
                     (let ((buffer (vsynth--buffer-of uri)))
                       (unless buffer
                         (signal 'vsynth-edit-refused
                                 (list (format "vsynth.el: %s is not open" uri))))
                       (with-current-buffer buffer
                         (vsynth--check-text-edits edits version))
                       (list buffer edits)))
                   todo)))
      (pcase-dolist (`(,buffer ,edits) prepared)
        (with-current-buffer buffer
          (vsynth--apply-text-edits edits)
          (setq vsynth--last-apply '(:applied t))
          ;; Tell the daemon at once (after this answer), not at Eglot's next idle time: it
          ;; confirms every applied edit through the next didChange.
          (run-at-time 0 nil #'vsynth--send-changes buffer))))))

(defun vsynth--send-changes (buffer)
  "Send BUFFER's pending changes to the daemon now."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (when (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))
        (eglot--signal-textDocument/didChange)))))

(cl-defmethod eglot-handle-request
  ((_server vsynth-eglot-server) (_method (eql workspace/applyEdit)) &key _label edit &allow-other-keys)
  "Apply EDIT only if the buffer is as it was planned against.
Answer whether it was applied, and why not."
  (let ((target (let ((dc (plist-get edit :documentChanges)))
                  (if (and dc (> (length dc) 0))
                      (plist-get (plist-get (aref dc 0) :textDocument) :uri)
                    (let ((ch (plist-get edit :changes))) (and ch (substring (symbol-name (car ch)) 1)))))))
    (condition-case err
        (progn (vsynth--apply-workspace-edit edit) '(:applied t))
      (vsynth-edit-refused
       (let ((answer `(:applied :json-false :failureReason ,(cadr err)))
             (buffer (and target (vsynth--buffer-of target))))
         (when buffer (with-current-buffer buffer (setq vsynth--last-apply answer)))
         (message "%s" (cadr err))
         answer)))))

;;;; Scores

(defun vsynth--hint-p (code)
  "Whether CODE is the daemon's hint for a file without demonstrations."
  (member code '("empty-region" "no-region")))

(defun vsynth--short-hint (message)
  "The daemon's empty-file hint MESSAGE as the Emacs command that fills the file.
The hint names every editor's command; `no demonstrations yet: M-x
vsynth-top-up' is what to type here."
  (format "%s: M-x %s" (car (split-string message ":"))
          (if (string-match-p "vsynth\\.topUp" message) "vsynth-top-up" "vsynth-synthesize")))

(defun vsynth--show-scores (diagnostics)
  "Record DIAGNOSTICS (a vector of LSP diagnostics) and show them as overlays."
  (remove-overlays (point-min) (point-max) 'vsynth-score t)
  (setq vsynth--scores
        (mapcar (lambda (d)
                  (list (plist-get (plist-get (plist-get d :range) :start) :line)
                        (or (plist-get d :severity) 1)
                        (plist-get d :message)
                        (plist-get d :code)))
                diagnostics))
  (when vsynth-show-score-overlays
    (save-excursion
      (save-restriction
        (widen)
        (pcase-dolist (`(,line ,severity ,message ,code) vsynth--scores)
          (goto-char (point-min))
          (forward-line line)
          (let ((ov (make-overlay (line-end-position) (line-end-position) nil t nil))
                (hint (vsynth--hint-p code)))
            (overlay-put ov 'vsynth-score t)
            (overlay-put ov 'evaporate nil)
            (overlay-put ov 'after-string
                         (propertize (concat "  " (if hint (vsynth--short-hint message) message))
                                     'face (cond (hint 'vsynth-hint)
                                                 ((eql severity 1) 'vsynth-error)
                                                 ((eql severity 2) 'vsynth-weak-score)
                                                 (t 'vsynth-score))))))))))

(defvar eldoc--last-request-state)

(defun vsynth--refresh-eldoc (buffer)
  "Ask Eldoc again about point in BUFFER, if it shows there.
Eldoc asks only when point or the text changed, so a hover saying \"not
scored yet\" would stay in the echo area after the scores arrived."
  (when (and (eq buffer (window-buffer (selected-window)))
             (not (active-minibuffer-window)))
    (with-current-buffer buffer
      (when (bound-and-true-p eldoc-mode)
        (setq eldoc--last-request-state nil)
        (ignore-errors (eldoc-print-current-symbol-info))))))

(cl-defmethod eglot-handle-notification :after
  ((_server vsynth-eglot-server) (_method (eql textDocument/publishDiagnostics))
   &key uri diagnostics &allow-other-keys)
  "Show the scores in DIAGNOSTICS for URI as overlays too."
  (let ((buffer (vsynth--buffer-of uri)))
    (when buffer
      (with-current-buffer buffer (vsynth--show-scores diagnostics))
      (vsynth--refresh-eldoc buffer))))

(defun vsynth-scores ()
  "The diagnostics last published for this buffer: a list (LINE SEVERITY MESSAGE CODE)."
  vsynth--scores)

(defun vsynth-counts ()
  "The daemon's last counts for this buffer: a plist, or nil before the first."
  vsynth--counts)

;;;; Progress in the mode line

(cl-defmethod eglot-handle-notification
  ((_server vsynth-eglot-server) (_method (eql vsynth/status))
   &key uri state message percentage counts &allow-other-keys)
  "Record the daemon's STATE (and the file's COUNTS) for URI for the mode line.
A synthesizing STATE carries its PERCENTAGE and MESSAGE."
  (let ((buffer (and uri (vsynth--buffer-of uri))))
    (dolist (b (if buffer (list buffer) (buffer-list)))
      (with-current-buffer b
        (when (derived-mode-p 'vsynth-mode)
          (setq vsynth--status (list :state state :message message :percentage percentage))
          (when (and buffer counts) (setq vsynth--counts counts))
          (cond ((equal state "synthesizing") (setq vsynth--job vsynth--status))
                ((and (equal state "idle") (stringp message) (not (string-empty-p message)))
                 (setq vsynth--job nil)))))))
  (force-mode-line-update t))

(cl-defmethod eglot-handle-request
  ((_server vsynth-eglot-server) (_method (eql window/workDoneProgress/create)) &key _token &allow-other-keys)
  "Accept progress tokens (Eglot before 1.10 does not)."
  nil)

(defun vsynth--current-status ()
  "This buffer's status: a running synthesis (with its percentage) wins."
  (or vsynth--job vsynth--status))

(defun vsynth-synthesizing-p ()
  "Whether a synthesis runs for this buffer."
  (and vsynth--job t))

(defun vsynth-summary ()
  "What this buffer's diagnostics add up to, for the mode line.
The daemon's counts (a parse error or the empty-file hint is no score);
from a daemon that sends none, the V-Score diagnostics counted here."
  (let ((hint (cl-find-if (lambda (s) (vsynth--hint-p (nth 3 s))) vsynth--scores)))
    (if hint
        (vsynth--short-hint (nth 2 hint))
      (let* ((scores (cl-remove-if-not (lambda (s) (member (nth 3 s) '("vscore" "low-vscore"))) vsynth--scores))
             (low (if vsynth--counts (plist-get vsynth--counts :low)
                    (cl-count "low-vscore" scores :key (lambda (s) (nth 3 s)) :test #'equal)))
             (errors (or (plist-get vsynth--counts :errors) 0)))
        (concat (if vsynth--counts
                    (format "%d of %d scored" (plist-get vsynth--counts :scored)
                            (plist-get vsynth--counts :demonstrations))
                  (format "%d scored" (length scores)))
                (if (> low 0) (format ", %d weak" low) "")
                (if (> errors 0) (format ", %d error%s" errors (if (= errors 1) "" "s")) ""))))))

(defun vsynth-mode-line ()
  "The mode-line text: what the daemon does, or what its diagnostics add up to."
  (let* ((status (vsynth--current-status))
         (state (plist-get status :state)))
    (if (or (null state) (member state '("idle" "ready")))
        (when (or vsynth--scores vsynth--counts)
          (format " [%s]" (vsynth-summary)))
      (let ((pct (plist-get status :percentage)))
        ;; "%%": the mode line reads `%' constructs in this text too ("0%]" would show as "0").
        (format " [%s%s]" state (if (numberp pct) (format " %d%%%%" pct) ""))))))

(defun vsynth-state ()
  "The daemon's last reported state for this buffer (default \"idle\")."
  (or (plist-get (vsynth--current-status) :state) "idle"))

;;;; Hover as plain text

(defun vsynth--plain-text (markup)
  "MARKUP (an LSP MarkupContent, MarkedString or vector of them) as plain text.
Markdown is rendered by `gfm-view-mode' where `markdown-mode' is installed;
without it, emphasis and code marks are taken out."
  (cond ((vectorp markup) (mapconcat #'vsynth--plain-text markup "\n"))
        ((stringp markup) markup)
        ((and (equal (plist-get markup :kind) "markdown") (fboundp 'gfm-view-mode))
         (eglot--format-markup markup))
        ((equal (plist-get markup :kind) "markdown")
         (let ((text (plist-get markup :value)))
           (setq text (replace-regexp-in-string "\\*\\*\\(.*?\\)\\*\\*" "\\1" text))
           (replace-regexp-in-string "`\\([^`]*\\)`" "\\1" text)))
        (t (or (plist-get markup :value) ""))))

(defun vsynth-hover-eldoc-function (callback)
  "Call CALLBACK with the score under point, as plain text.
A member of `eldoc-documentation-functions'."
  (let ((buffer (current-buffer)))
    (jsonrpc-async-request
     (eglot--current-server-or-lose) :textDocument/hover (eglot--TextDocumentPositionParams)
     :success-fn (lambda (hover)
                   (when (buffer-live-p buffer)
                     (with-current-buffer buffer
                       (funcall callback (and hover (vsynth--plain-text (plist-get hover :contents)))))))
     :deferred :textDocument/hover)
    t))

(defun vsynth-hover-text ()
  "The hover at point as plain text, or nil (waits for the daemon)."
  (let ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                (eglot--TextDocumentPositionParams) :timeout 10)))
    (and hover (vsynth--plain-text (plist-get hover :contents)))))

;;;###autoload
(defun vsynth-explain ()
  "Show the score breakdown of the demonstration at point."
  (interactive)
  (message "%s" (or (vsynth-hover-text) "vsynth: nothing to explain here")))

(defun vsynth--note-save ()
  "Remember the save (see `vsynth--saved')."
  (setq vsynth--saved t))

(defun vsynth--managed-setup ()
  "In a prompt file Eglot now manages: plain-text hovers in Eldoc, and saves noted."
  (when (and (derived-mode-p 'vsynth-mode) (cl-typep (eglot-current-server) 'vsynth-eglot-server))
    (if (not eglot--managed-mode)
        (remove-hook 'after-save-hook #'vsynth--note-save t)
      (setq-local eldoc-documentation-functions
                  (cl-substitute #'vsynth-hover-eldoc-function #'eglot-hover-eldoc-function
                                 eldoc-documentation-functions))
      (add-hook 'after-save-hook #'vsynth--note-save nil t))))

(add-hook 'eglot-managed-mode-hook #'vsynth--managed-setup)

;;;; Commands

(defun vsynth--execute (command &optional arguments on-result)
  "Ask the daemon to run COMMAND on this buffer with ARGUMENTS (a plist).
The daemon answers at once (ON-RESULT, if given, gets the answer instead of
the usual confirmation); the result arrives later as an edit."
  (let ((server (ignore-errors (eglot--current-server-or-lose)))
        (buffer (current-buffer)))
    (unless (cl-typep server 'vsynth-eglot-server)
      (user-error "%s" (or (vsynth--missing-executable)
                           "This buffer is not managed by the VSynth daemon (M-x eglot starts it)")))
    (eglot--signal-textDocument/didChange)
    ;; The edit this command brings is the user's to save, not a refresh on save.
    (setq vsynth--saved nil)
    (jsonrpc-async-request
     server :workspace/executeCommand
     (list :command command :arguments (vector (append (list :uri (vsynth--uri)) arguments)))
     :success-fn (lambda (result)
                   (with-current-buffer (if (buffer-live-p buffer) buffer (current-buffer))
                     (funcall (or on-result #'vsynth--confirm) command result)))
     :error-fn (lambda (err) (message "vsynth: %s: %s" command (plist-get err :message))))))

(defun vsynth--confirm (command result)
  "Say what the daemon answered to COMMAND: RESULT."
  (cond ((not (listp result)) nil)
        ((equal command "vsynth.cancel")
         (message (if (and (numberp (plist-get result :cancelled)) (> (plist-get result :cancelled) 0))
                      "vsynth: synthesis cancelled" "vsynth: no synthesis was running")))
        ((eq (plist-get result :started) t)
         (let ((n (plist-get result :count)))
           (message "vsynth: synthesizing %s demonstration%s" n (if (eql n 1) "" "s"))))
        ((plist-member result :started)
         (message "vsynth: %s" (or (plist-get result :message) "nothing to do")))))

;;;###autoload
(defun vsynth-refresh ()
  "Do what saving does for a `refresh: on-save' file.
That is: top up to `count', else rescore (the daemon's `vsynth.refresh'
decides which)."
  (interactive)
  (vsynth--execute "vsynth.refresh"))

;;;###autoload
(defun vsynth-save-buffer (&optional arg)
  "Save the buffer (ARG as for `save-buffer'); if unmodified, tell the daemon.
The daemon's refresh on save then runs as if the file had changed."
  (interactive "p")
  (if (or (buffer-modified-p) (not (bound-and-true-p eglot--managed-mode)))
      (save-buffer arg)
    (message "(No changes need to be saved; VSynth refreshes)")
    (vsynth--note-save)
    (eglot--signal-textDocument/didSave)))

;;;###autoload
(defun vsynth-synthesize (n)
  "Synthesize N demonstrations and insert them into the region.
Interactively, N is the prefix argument."
  (interactive (list (if current-prefix-arg (prefix-numeric-value current-prefix-arg)
                       vsynth-synthesize-default-count)))
  (vsynth--execute "vsynth.synthesize" (list :n n)))

;;;###autoload
(defun vsynth-top-up ()
  "Synthesize demonstrations until the file holds its `count'."
  (interactive)
  (vsynth--execute "vsynth.topUp"))

;;;###autoload
(defun vsynth-replace-weakest ()
  "Replace the demonstration with the lowest V-Score by a synthesized one."
  (interactive)
  (vsynth--execute "vsynth.replaceWeakest"))

;;;###autoload
(defun vsynth-rescore ()
  "Score the demonstrations again now."
  (interactive)
  (vsynth--execute "vsynth.rescore"))

;;;###autoload
(defun vsynth-cancel ()
  "Stop the synthesis running for this file."
  (interactive)
  (vsynth--execute "vsynth.cancel"))

(provide 'vsynth)
;;; vsynth.el ends here
