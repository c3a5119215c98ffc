#include "runtime/node.hpp"

int main(int argc, char** argv) {
  return agora::runtime::main(argc, argv);
}
