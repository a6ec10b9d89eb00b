complete --keep-order --exclusive --command x0bpf --arguments "(COMPLETE=fish x0bpf -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
