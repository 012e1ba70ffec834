/* Uses the installed C ABI: prints the library's version, creates a device database at
 * argv[1], adds a household and prints its id. Exits non-zero with the library's message on
 * any failure. */
#include <doorstep.h>
#include <stdio.h>

static int fail(const ds_error* error) {
  char* message = ds_error_message(error);
  fprintf(stderr, "consumer: %s\n", message);
  ds_free(message);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  printf("version %s\n", ds_version());
  ds_error error = {0, 0, 0};
  ds_store* store =
      ds_store_init(argv[1], "{\"name\":\"Installed\",\"key_secret\":\"s3cret-for-test\"}", &error);
  if (store == NULL) return fail(&error);
  char* id = ds_store_household_add(store, "640323.101.200.01", NULL, &error);
  if (id == NULL) {
    ds_store_free(store);
    return fail(&error);
  }
  printf("household %s\n", id);
  ds_free(id);
  ds_store_free(store);
  return 0;
}
