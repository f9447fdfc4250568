;;; vsynth-tests.el --- ERT tests of vsynth.el against the real daemon  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by scripts/test-editors.sh:
;;   emacs --batch -L editor-clients/emacs -l Tests/editors/emacs/vsynth-tests.el \
;;         -f ert-run-tests-batch-and-exit
;; Env: VSYNTH_BIN (the daemon), VSYNTH_FIXTURES, VSYNTH_WORK (scratch dir), VSYNTH_WAIT (seconds).

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'vsynth)

(defvar vsynth-tests-wait (string-to-number (or (getenv "VSYNTH_WAIT") "180")))
(setq vsynth-autostart nil            ; each test starts the daemon itself, with `eglot'
      eglot-connect-timeout 60
      eglot-sync-connect t
      eglot-autoshutdown t
      eglot-confirm-server-initiated-edits nil)

(defun vsynth-tests-wait-until (pred &optional seconds)
  "Process output until PRED returns non-nil or SECONDS pass; return PRED's last value."
  (let ((deadline (+ (float-time) (or seconds vsynth-tests-wait)))
        (value nil))
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defvar vsynth-tests-messages nil "Messages shown, newest first.")
(advice-add 'message :around
            (lambda (show format-string &rest args)
              (when format-string (push (apply #'format format-string args) vsynth-tests-messages))
              (apply show format-string args))
            '((name . vsynth-tests-record)))

(defun vsynth-tests-said (regexp)
  "Non-nil when a message shown matches REGEXP."
  (cl-some (lambda (m) (string-match-p regexp m)) vsynth-tests-messages))

(defun vsynth-tests-open (fixture)
  "Visit a fresh copy of FIXTURE under VSYNTH_WORK, managed by the daemon."
  (let ((path (expand-file-name (concat "emacs-" fixture) (getenv "VSYNTH_WORK"))))
    (copy-file (expand-file-name fixture (getenv "VSYNTH_FIXTURES")) path t)
    (let ((buffer (find-file-noselect path)))
      (with-current-buffer buffer
        (should (eq major-mode 'vsynth-mode))
        (buffer-enable-undo)
        (let ((default-directory (getenv "VSYNTH_WORK")))
          (apply #'eglot (eglot--guess-contact)))
        (should (eglot-current-server))
        (should (cl-typep (eglot-current-server) 'vsynth-eglot-server)))
      buffer)))

(defun vsynth-tests-close (buffer)
  "Kill BUFFER and shut its daemon down."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (let ((server (eglot-current-server)))
        (set-buffer-modified-p nil)
        (kill-buffer buffer)
        (when (and server (jsonrpc-running-p server))
          (ignore-errors (eglot-shutdown server)))))))

(defmacro vsynth-tests-with (fixture &rest body)
  "Run BODY in a buffer visiting a copy of FIXTURE."
  (declare (indent 1))
  `(let ((buffer (vsynth-tests-open ,fixture)))
     (unwind-protect (with-current-buffer buffer ,@body)
       (vsynth-tests-close buffer))))

(defun vsynth-tests-demos ()
  "The demonstrations in the region: (DEMOS . WELL-FORMED), DEMOS a list of (USER . MODEL)."
  (let* ((region (vsynth-region))
         (lines (split-string (buffer-substring-no-properties (car region) (cdr region)) "\n"))
         (lines (butlast (cdr lines)))
         (demos '()) (cur nil) (ok t))
    (dolist (l lines)
      (cond ((string-prefix-p "{{role \"user\"}}" l)
             (when (eq cur 'user) (setq ok nil))
             (push (cons "" "") demos) (setq cur 'user))
            ((string-prefix-p "{{role \"model\"}}" l)
             (unless (eq cur 'user) (setq ok nil))
             (setq cur 'model))
            ((null cur) (unless (string-blank-p l) (setq ok nil)))
            ((eq cur 'user) (setcar (car demos) (concat (caar demos) l)))
            (t (setcdr (car demos) (concat (cdar demos) l)))))
    (when (eq cur 'user) (setq ok nil))
    (dolist (d demos)
      (when (or (string-blank-p (car d)) (string-blank-p (cdr d))) (setq ok nil)))
    (cons (nreverse demos) ok)))

(defun vsynth-tests-outside ()
  "The text before and after the region, to compare byte for byte."
  (let ((region (vsynth-region)))
    (list (buffer-substring-no-properties (point-min) (car region))
          (buffer-substring-no-properties (cdr region) (point-max)))))

(defun vsynth-tests-demo-lines ()
  "0-based lines of the demonstrations' user tags."
  (let ((region (vsynth-region)) (lines '()))
    (save-excursion
      (goto-char (car region)) (forward-line 1)
      (while (< (point) (cdr region))
        (when (looking-at-p "{{role \"user\"}}") (push (1- (line-number-at-pos)) lines))
        (forward-line 1)))
    (nreverse lines)))

(defun vsynth-tests-v-scores ()
  "The published scores that are V-Scores (not parse problems)."
  (cl-remove-if-not (lambda (s) (string-match-p "V-Score" (nth 2 s))) (vsynth-scores)))

(defun vsynth-tests-scored-all ()
  "Non-nil when every demonstration has a V-Score at its user tag and nothing else has one."
  (let ((want (vsynth-tests-demo-lines)))
    (and want (equal want (sort (mapcar #'car (vsynth-tests-v-scores)) #'<)))))

(defun vsynth-tests-synthesizing ()
  (vsynth-synthesizing-p))

(defun vsynth-tests-idle ()
  "No synthesis running and no scoring either."
  (and (not (vsynth-synthesizing-p)) (member (vsynth-state) '("idle" "ready"))))

(defun vsynth-tests-apply (uri version edits)
  "Answer of the client's workspace/applyEdit handler to EDITS for URI at VERSION."
  (eglot-handle-request (eglot-current-server) 'workspace/applyEdit
                        :edit (list :documentChanges
                                    (vector (list :textDocument (list :uri uri :version version)
                                                  :edits (vconcat edits))))))

(ert-deftest vsynth-0-edit-checks ()
  "The client refuses a stale version or a range outside the region; a good edit is one undo step."
  (vsynth-tests-with "sentiment.prompt"
    (let* ((before (buffer-string))
           (uri (vsynth--uri))
           (close-line (1- (line-number-at-pos (cdr (vsynth-region)))))
           (at (list :line close-line :character 0))
           (insert (list :range (list :start at :end at)
                         :newText "{{role \"user\"}}\nx\n{{role \"model\"}}\ny\n\n"))
           (top (list :range (list :start '(:line 0 :character 0) :end '(:line 1 :character 0))
                      :newText ""))
           (version eglot--versioned-identifier))
      (let ((stale (vsynth-tests-apply uri (1- version) (list insert))))
        (should (eq :json-false (plist-get stale :applied)))
        (should (string-match-p "planned against" (plist-get stale :failureReason))))
      (let ((outside (vsynth-tests-apply uri version (list top))))
        (should (eq :json-false (plist-get outside :applied)))
        (should (string-match-p "outside the demonstrations region" (plist-get outside :failureReason))))
      (should (equal before (buffer-string)))
      (undo-boundary)
      (should (eq t (plist-get (vsynth-tests-apply uri version (list insert)) :applied)))
      (should (= 3 (length (car (vsynth-tests-demos)))))
      (should (> eglot--versioned-identifier version))
      (undo-boundary)
      (let ((last-command nil)) (undo))
      (should (equal before (buffer-string))))))

(ert-deftest vsynth-1-scores ()
  "Every demonstration shows a score: diagnostic, overlay, mode line."
  (vsynth-tests-with "sentiment.prompt"
    (should (vsynth-tests-wait-until #'vsynth-tests-scored-all))
    ;; the mode line shows the scores once no scoring runs (a rescore may follow the first one)
    (should (vsynth-tests-wait-until #'vsynth-tests-idle))
    (pcase-dolist (`(,line ,_severity ,message) (vsynth-tests-v-scores))
      (should (string-match-p "V-Score -?[0-9.]+ nats" message))
      (save-excursion
        (goto-char (point-min)) (forward-line line)
        (should (cl-some (lambda (ov) (and (overlay-get ov 'vsynth-score)
                                           (string-match-p "V-Score" (overlay-get ov 'after-string))))
                         (overlays-in (line-beginning-position) (1+ (line-end-position)))))))
    (should (string-match-p "scored" (or (vsynth-mode-line) "")))
    ;; and Flymake lists them (Eglot's backend), one per demonstration
    (flymake-start)
    (should (vsynth-tests-wait-until
             (lambda ()
               (= (length (vsynth-tests-demo-lines))
                  (cl-count-if (lambda (d) (string-match-p "V-Score" (flymake-diagnostic-text d)))
                               (flymake-diagnostics))))
             30))))

(ert-deftest vsynth-2-synthesize ()
  "Two well-formed demonstrations land inside the region, nothing else changes, one undo."
  (vsynth-tests-with "sentiment.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (let* ((before (buffer-string))
           (demos0 (vsynth-tests-demos))
           (outside0 (vsynth-tests-outside)))
      (undo-boundary)
      (setq vsynth--last-apply nil)
      (vsynth-synthesize 2)
      ;; the mode line shows the percentage (from vsynth/status: Eglot 1.9 takes no $/progress)
      ;; written "%%", since the mode line reads `%' constructs in it (a bare "0%]" shows as "0";
      ;; `format-mode-line' renders nothing in batch, so the text is checked as written)
      (should (vsynth-tests-wait-until
               (lambda () (or (string-match-p "synthesizing [0-9]+%%\\]" (or (vsynth-mode-line) "")) vsynth--last-apply))))
      (should (string-match-p "synthesizing [0-9]+%%\\]" (or (vsynth-mode-line) "")))
      (should (vsynth-tests-wait-until (lambda () vsynth--last-apply)))
      (should (equal vsynth--last-apply '(:applied t)))
      (let ((demos1 (vsynth-tests-demos)))
        (should (= (+ 2 (length (car demos0))) (length (car demos1))))
        (should (cdr demos1))
        (should (equal (car demos0) (cl-subseq (car demos1) 0 (length (car demos0))))))
      (should (equal outside0 (vsynth-tests-outside)))
      (undo-boundary)
      (let ((last-command nil)) (undo))
      (should (equal before (buffer-string))))))

(ert-deftest vsynth-3-type-during-synthesis ()
  "Text typed into the region while a synthesis runs survives; no edit lands over it."
  (vsynth-tests-with "sentiment.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (setq vsynth--last-apply nil)
    (vsynth-synthesize 2)
    (should (vsynth-tests-wait-until #'vsynth-tests-synthesizing 30))
    (let ((region (vsynth-region)) (count0 (length (car (vsynth-tests-demos)))) typed)
      (save-excursion
        (goto-char (cdr region)) (forward-line -1) (end-of-line)
        (insert " (typed while synthesizing)")
        (setq typed (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
      (eglot--signal-textDocument/didChange)
      ;; the job ends (idle) whether its edit was re-planned, refused or dropped
      (should (vsynth-tests-wait-until #'vsynth-tests-idle))
      (vsynth-tests-wait-until #'ignore 0.5)
      (should (string-match-p (regexp-quote typed) (buffer-string)))
      (let ((demos (vsynth-tests-demos)))
        (should (cdr demos))
        (should (= 1 (cl-count-if (lambda (d) (string-match-p "typed while synthesizing" (cdr d)))
                                  (car demos))))
        ;; the daemon re-plans around the typing (the region still parses): the insertion lands
        (should (= (length (car demos)) (+ count0 2))))
      ;; one undo (the command loop closes the undo group before a command) removes the
      ;; insertion and only it
      (undo-boundary)
      (let ((last-command nil)) (undo))
      (should (string-match-p (regexp-quote typed) (buffer-string)))
      (should (= count0 (length (car (vsynth-tests-demos))))))))

(ert-deftest vsynth-4-cancel ()
  "A cancelled synthesis inserts nothing and the daemon still answers."
  (vsynth-tests-with "sentiment.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (let ((before (buffer-string)))
      (setq vsynth--last-apply nil)
      (vsynth-synthesize 2)
      (should (vsynth-tests-wait-until #'vsynth-tests-synthesizing 30))
      (setq vsynth-tests-messages nil)
      (vsynth-cancel)
      (vsynth-tests-wait-until #'vsynth-tests-idle 30)
      (should (vsynth-tests-wait-until (lambda () (vsynth-tests-said "vsynth: synthesis cancelled")) 5))
      (vsynth-tests-wait-until #'ignore 3)
      (should (equal before (buffer-string)))
      (should-not (equal vsynth--last-apply '(:applied t)))
      (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                    (list :textDocument (eglot--TextDocumentIdentifier)
                                          :position (list :line (line-number-at-pos (car (vsynth-region)))
                                                          :character 2))
                                    :timeout 10)))
        (should (or (null hover) (plist-get hover :contents)))))))

(defun vsynth-tests-disk ()
  "The text of this buffer's file on disk."
  (let ((file (buffer-file-name)))
    (with-temp-buffer (insert-file-contents file) (buffer-string))))

(ert-deftest vsynth-5-refresh-on-save ()
  "Saving a file with `refresh: on-save' tops it up to `count', and the client saves the result."
  (vsynth-tests-with "onsave.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (should (= 1 (length (car (vsynth-tests-demos)))))
    (let ((outside0 (vsynth-tests-outside)))
      (set-buffer-modified-p t)
      (save-buffer)
      (should (vsynth-tests-wait-until (lambda () (>= (length (car (vsynth-tests-demos))) 3))))
      (should (= 3 (length (car (vsynth-tests-demos)))))
      (should (cdr (vsynth-tests-demos)))
      (should (equal outside0 (vsynth-tests-outside)))
      (should-not (buffer-modified-p))
      (should (equal (buffer-string) (vsynth-tests-disk))))))

(ert-deftest vsynth-6-save-unmodified-refreshes ()
  "Saving an unmodified buffer (C-x C-s) still refreshes it; the result is saved."
  (vsynth-tests-with "onsave.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (should-not (buffer-modified-p))
    (call-interactively (key-binding (kbd "C-x C-s")))
    (should (vsynth-tests-wait-until (lambda () (>= (length (car (vsynth-tests-demos))) 3))))
    (should-not (buffer-modified-p))
    (should (equal (buffer-string) (vsynth-tests-disk)))))

(ert-deftest vsynth-7-hover-plain-text ()
  "The hover (Eldoc, `vsynth-explain') is plain text: no Markdown marks in the echo area."
  (vsynth-tests-with "sentiment.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (should (memq #'vsynth-hover-eldoc-function eldoc-documentation-functions))
    (should-not (memq #'eglot-hover-eldoc-function eldoc-documentation-functions))
    (goto-char (point-min))
    (forward-line (1+ (car (vsynth-tests-demo-lines))))
    ;; the daemon answers in plain text, as the client asks (contentFormat)
    (unless (fboundp 'gfm-view-mode)
      (should (equal "plaintext"
                     (plist-get (plist-get (jsonrpc-request (eglot-current-server) :textDocument/hover
                                                            (eglot--TextDocumentPositionParams))
                                           :contents)
                                :kind))))
    (let ((text (vsynth-hover-text)))
      (should (string-match-p "V-Score" text))
      (should-not (string-match-p "\\*\\*\\|`" text)))))

(ert-deftest vsynth-10-feedback ()
  "Counts, not diagnostics, in the mode line; refresh on demand; the empty-region hint.
A broken demonstration is an error while the others keep their scores;
`vsynth-refresh' on a file at its count rescores (the daemon's
`vsynth.refresh'); an empty region says which command fills it."
  (vsynth-tests-with "broken.prompt"
    (should (vsynth-tests-wait-until
             (lambda () (and (eql (plist-get (vsynth-counts) :scored) 2) (vsynth-tests-idle)))))
    (should (equal (vsynth-mode-line) " [2 of 2 scored, 1 error]"))
    (setq vsynth-tests-messages nil)
    (vsynth-refresh)
    (should (vsynth-tests-wait-until (lambda () (vsynth-tests-said "rescoring")) 30))
    (should (vsynth-tests-said "^vsynth: the file already holds 2 of 2 demonstrations; rescoring$")))
  (vsynth-tests-with "empty.prompt"
    (let ((hint (vsynth-tests-wait-until
                 (lambda () (cl-find "empty-region" (vsynth-scores) :key (lambda (s) (nth 3 s)) :test #'equal)))))
      (should hint)
      (save-excursion
        (goto-char (car (vsynth-region)))
        (should (= (car hint) (1- (line-number-at-pos))))
        (let ((shown (cl-remove-if-not (lambda (ov) (overlay-get ov 'vsynth-score))
                                       (overlays-in (line-beginning-position) (1+ (line-end-position))))))
          (should (= 1 (length shown)))
          (should (equal (overlay-get (car shown) 'after-string)
                         (propertize "  no demonstrations yet: M-x vsynth-top-up" 'face 'vsynth-hint))))))
    (should (vsynth-tests-wait-until #'vsynth-tests-idle))
    (should (equal (vsynth-mode-line) " [no demonstrations yet: M-x vsynth-top-up]"))))

(ert-deftest vsynth-11-eldoc-follows-the-scores ()
  "A hover saying \"not scored yet\" in the echo area gives way to the score once it arrives.
Eldoc asks again only when point or the text changes; the client asks it
when scores arrive."
  (vsynth-tests-with "sentiment.prompt"
    (vsynth-tests-wait-until #'vsynth-tests-scored-all)
    (switch-to-buffer (current-buffer))
    (should (bound-and-true-p eldoc-mode))
    (let ((shown '()))
      (add-hook 'eldoc-display-functions
                (lambda (docs &rest _) (push (mapconcat #'car docs "\n") shown)) nil t)
      ;; a new demonstration, with point in it: not scored yet
      (goto-char (cdr (vsynth-region)))
      (beginning-of-line)
      (insert "{{role \"user\"}}\nThe fan is loud but it works.\n{{role \"model\"}}\nneutral\n")
      (forward-line -3)
      (eglot--signal-textDocument/didChange)
      (eldoc-print-current-symbol-info)
      (should (vsynth-tests-wait-until
               (lambda () (cl-some (lambda (s) (string-match-p "not scored yet" s)) shown)) 30))
      ;; no command runs, point stays: only the client can bring the score
      (should (vsynth-tests-wait-until (lambda () (and shown (string-match-p "V-Score" (car shown))))))
      (set-buffer-modified-p nil))))

(ert-deftest vsynth-8-documented-commands ()
  "Every command docs/editors.md gives for Emacs exists."
  (let* ((doc (with-temp-buffer
                (insert-file-contents (expand-file-name "../docs/editors.md" (getenv "VSYNTH_CLIENTS")))
                (buffer-string)))
         (names '()))
    (dolist (line (split-string doc "\n"))
      ;; the Emacs column of the command table, and every M-x in the text
      (when (string-match "^|[^|]*|[^|]*`:Vsynth[^|]*|\\([^|]*\\)|" line)
        (let ((cell (match-string 1 line)) (start 0))
          (while (string-match "vsynth-[a-z-]+" cell start)
            (push (match-string 0 cell) names) (setq start (match-end 0))))))
    (let ((start 0))
      (while (string-match "M-x \\([a-z-]+\\)" doc start)
        (push (match-string 1 doc) names) (setq start (match-end 0))))
    (should (>= (length (delete-dups names)) 8))
    (dolist (name names)
      (should (commandp (intern name))))))

(ert-deftest vsynth-9-missing-executable ()
  "A missing executable is reported once, with the fix; commands repeat it."
  (let ((vsynth-program (expand-file-name "no-such-dir/vsynth" (getenv "VSYNTH_WORK")))
        (vsynth-autostart t)
        (buffers '()))
    (setq vsynth-tests-messages nil)
    (unwind-protect
        (progn
          (dolist (fixture '("sentiment.prompt" "onsave.prompt"))
            (let ((path (expand-file-name (concat "emacs-missing-" fixture) (getenv "VSYNTH_WORK"))))
              (copy-file (expand-file-name fixture (getenv "VSYNTH_FIXTURES")) path t)
              (push (find-file-noselect path) buffers)))
          (should (= 1 (cl-count-if (lambda (m) (string-match-p "not found" m)) vsynth-tests-messages)))
          (should (vsynth-tests-said "vsynth: executable '.*no-such-dir/vsynth' not found; run `make install'"))
          (with-current-buffer (car buffers)
            (should (string-match-p "not found" (cadr (should-error (vsynth-synthesize 2) :type 'user-error))))))
      (mapc #'kill-buffer buffers))))

(provide 'vsynth-tests)
;;; vsynth-tests.el ends here
