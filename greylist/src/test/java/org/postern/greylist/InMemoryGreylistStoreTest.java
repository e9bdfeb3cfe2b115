package org.postern.greylist;

class InMemoryGreylistStoreTest extends GreylistStoreContract {

    @Override
    GreylistStore openStore() {
        return new InMemoryGreylistStore();
    }
}
