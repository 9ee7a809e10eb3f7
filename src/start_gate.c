/* Why a gate: the sandbox (sandbox.c) is installed once, on every thread
 * at once, and it forbids what set-up needs (opening files, creating VMs),
 * so it can close only when every guest's set-up has ended; and no guest
 * may run before it has closed. Guests then also start together. */
#include "start_gate.h"

void start_gate_init(struct start_gate *gate)
{
	pthread_mutex_init(&gate->lock, NULL);
	pthread_cond_init(&gate->changed, NULL);
	gate->arrived = 0;
	gate->decided = false;
	gate->go = false;
}

bool start_gate_arrive(struct start_gate *gate)
{
	bool go;

	pthread_mutex_lock(&gate->lock);
	gate->arrived++;
	pthread_cond_broadcast(&gate->changed);
	while (!gate->decided)
		pthread_cond_wait(&gate->changed, &gate->lock);
	go = gate->go;
	pthread_mutex_unlock(&gate->lock);
	return go;
}

void start_gate_wait_for(struct start_gate *gate, int n)
{
	pthread_mutex_lock(&gate->lock);
	while (gate->arrived < n)
		pthread_cond_wait(&gate->changed, &gate->lock);
	pthread_mutex_unlock(&gate->lock);
}

void start_gate_open(struct start_gate *gate, bool go)
{
	pthread_mutex_lock(&gate->lock);
	gate->decided = true;
	gate->go = go;
	pthread_cond_broadcast(&gate->changed);
	pthread_mutex_unlock(&gate->lock);
}

void start_gate_destroy(struct start_gate *gate)
{
	pthread_cond_destroy(&gate->changed);
	pthread_mutex_destroy(&gate->lock);
}
