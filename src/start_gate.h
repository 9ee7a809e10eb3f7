/* The start gate: every guest is set up before any of them runs. */
#ifndef MINIKVM_START_GATE_H
#define MINIKVM_START_GATE_H

#include <pthread.h>
#include <stdbool.h>

struct start_gate {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int arrived;	/* guests whose set-up has ended, well or not */
	bool decided;
	bool go;	/* false: the run was called off before it began */
};

void start_gate_init(struct start_gate *gate);
/* A guest's thread, its set-up done: waits for the decision; true: run. */
bool start_gate_arrive(struct start_gate *gate);
/* The main thread: waits until n guests have arrived. */
void start_gate_wait_for(struct start_gate *gate, int n);
/* The main thread: lets every guest go on (go) or end (!go). */
void start_gate_open(struct start_gate *gate, bool go);
void start_gate_destroy(struct start_gate *gate);

#endif
