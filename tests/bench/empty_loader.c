// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Loads and attaches the empty yardstick program, prints its program id,
 * and keeps it attached until stdin closes or a signal arrives.
 */
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_link *link;
	char c;

	if (argc != 2) {
		fprintf(stderr, "usage: %s EMPTY.bpf.o\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		perror("load");
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "ri_bench_empty");
	link = prog ? bpf_program__attach(prog) : NULL;
	if (!link) {
		perror("attach");
		return 1;
	}
	bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len);
	printf("%u\n", info.id);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
