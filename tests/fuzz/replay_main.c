/* replay_main.c — make check's side of the fuzzers: a harness built with
 * the ordinary compiler (and with the sanitizers in the sanitizer build)
 * replays its seed corpus and every input a fuzzer once crashed on
 * (tests/fuzz/regressions/<name>/, kept for good). The harness's name
 * comes from the program's: replay_ini runs fuzz_ini's inputs. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static uint8_t buf[1 << 20];
        size_t size = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, size);
        n++;
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    const char *src = getenv("INFOMIN_TEST_SRCDIR"), *name = strrchr(argv[0], '_');
    if (!name) return 1;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", name + 1);
    int corpus = replay_dir(dir);
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", src ? src : ".", name + 1);
    int kept = replay_dir(dir);
    if (!corpus) {
        fprintf(stderr, "replay_%s: no corpus in %s/tests/fuzz/corpus/%s\n", name + 1, src ? src : ".", name + 1);
        return 1;
    }
    printf("replay_%s: %d corpus inputs and %d kept crash inputs, no crash\n", name + 1, corpus, kept);
    return 0;
}
