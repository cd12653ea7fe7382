/* A shared object that is not an infomin plugin: no `infomin_plugins`. */
int not_a_plugin(void);
int not_a_plugin(void) { return 42; }
