/* An empty program: CMakeLists.txt links each layer's whole archive into it with only the
 * layers below, so a call up the layers is an undefined symbol at link time. */
int main(void) { return 0; }
